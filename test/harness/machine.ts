// The simulated machine lives in tools/hosted (atoll run uses it when there
// is no native hosted kernel); the tests keep importing it from here.
export * from "../../tools/hosted/machine.ts";
