// `npm run usb` (tools/commands/usb.ts) against a made-up disk list (--lsblk-json)
// whose "disks" are plain files in a temporary folder, and a small stand-in
// ISO: it never touches a real disk. Confirmation comes on standard input.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe("npm run usb", function () {
  this.timeout(60_000);
  let dir = "";
  let iso = "";
  let lsblk = "";
  const disk = (name: string) => join(dir, name);
  const BLANK = Buffer.alloc(4096, 0xee);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "atoll-usb-"));
    iso = join(dir, "atoll.iso");
    writeFileSync(iso, Buffer.from(Array.from({ length: 5 << 20 }, (_, i) => (i * 7) & 0xff)));
    lsblk = join(dir, "lsblk.json");
    const device = (name: string, rm: boolean, size: number, model: string | null, mounted: (string | null)[], children: object[] = []) =>
      ({ name, path: disk(name), size, model, rm, type: "disk", mountpoints: mounted, children });
    writeFileSync(lsblk, JSON.stringify({
      blockdevices: [
        device("stick", true, 16 * 2 ** 30, "SanDisk Cruzer  ", [null]),
        device("internal", false, 256 * 2 ** 30, "Samsung SSD 970", [null]),
        device("busy", true, 8 * 2 ** 30, null, [null], [{ name: "busy1", path: disk("busy1"), size: 8 * 2 ** 30, model: null, rm: true, type: "part", mountpoints: ["/media/me/STICK"] }]),
        { name: "sr0", path: disk("sr0"), size: 1 << 30, model: "DVD", rm: true, type: "rom", mountpoints: [null] },
      ],
    }));
  });
  beforeEach(() => {
    for (const name of ["stick", "internal", "busy"]) writeFileSync(disk(name), BLANK);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const usb = (args: string[], input = "") =>
    spawnSync("node_modules/.bin/tsx", ["tools/commands/usb.ts", "--lsblk-json", lsblk, "--iso", iso, ...args], { encoding: "utf8", input });
  const written = (name: string) => readFileSync(disk(name)).equals(readFileSync(iso));
  const untouched = (name: string) => readFileSync(disk(name)).equals(BLANK);

  it("lists the disks with size, model, removable and mounted, and writes nothing without --device", () => {
    const r = usb([]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`${disk("stick")}  16\\.0 GiB  SanDisk Cruzer  \\(removable\\)`));
    assert.match(r.stdout, new RegExp(`${disk("internal")}  256\\.0 GiB  Samsung SSD 970  \\(not removable\\)`));
    assert.match(r.stdout, new RegExp(`${disk("busy")}  8\\.0 GiB  \\(no model\\)  \\(removable, mounted at /media/me/STICK\\)`));
    assert.doesNotMatch(r.stdout, /sr0/, "only disks are listed");
    assert.match(r.stdout, /--device/);
    for (const name of ["stick", "internal", "busy"]) assert.ok(untouched(name));
  });

  it("writes the ISO to a removable disk once 'yes' is typed, and nothing otherwise", () => {
    const no = usb(["--device", disk("stick")], "no\n");
    assert.equal(no.status, 1);
    assert.match(no.stdout, /5 MiB\) to .*stick  16\.0 GiB  SanDisk Cruzer .*\?\neverything on it is lost\. Type yes to go on: $/);
    assert.match(no.stderr, /not confirmed; nothing written/);
    assert.ok(untouched("stick"));
    assert.equal(usb(["--device", disk("stick")]).status, 1, "no answer at all is no");
    assert.ok(untouched("stick"));
    const yes = usb(["--device", disk("stick")], "yes\n");
    assert.equal(yes.status, 0, yes.stderr);
    assert.ok(written("stick"));
  });

  it("refuses a disk that is not removable, or has something mounted, unless --force", () => {
    const internal = usb(["--device", disk("internal")], "yes\n");
    assert.equal(internal.status, 1);
    assert.match(internal.stderr, /internal is not a removable disk \(use --force/);
    const busy = usb(["--device", disk("busy")], "yes\n");
    assert.equal(busy.status, 1);
    assert.match(busy.stderr, /busy has mounted file systems \(\/media\/me\/STICK\): unmount them, or use --force/);
    assert.ok(untouched("internal") && untouched("busy"));
    const forced = usb(["--force", "--device", disk("busy")], "yes\n");
    assert.equal(forced.status, 0, forced.stderr);
    assert.ok(written("busy"));
  });

  it("writes to a plain file as an image, and refuses what is neither a listed disk nor a file", () => {
    const image = join(dir, "image.img");
    const r = usb(["--device", image], "yes\n");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /to the file .*image\.img\?/);
    assert.ok(readFileSync(image).equals(readFileSync(iso)));
    const folder = join(dir, "folder");
    mkdirSync(folder);
    const refused = usb(["--device", folder], "yes\n");
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /folder is not a disk lsblk lists, nor a plain file/);
    assert.equal(usb(["--frob"]).status, 2);
  });
});
