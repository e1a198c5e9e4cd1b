#!/usr/bin/env node
// Runs tools/commands/atoll.ts through tsx, so `npx atoll` works without a build step.
import { register } from "tsx/esm/api";

register();
await import("../commands/atoll.ts");
