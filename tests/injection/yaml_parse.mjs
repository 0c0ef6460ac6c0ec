// Reads {case: path} JSON from stdin, parses every file's YAML stream with yaml@2 as YAML 1.2
// (core schema) and as YAML 1.1 (what kubectl's and many tools' readers use), and prints
// {case: {v12: [documents], v11: [documents]} | {error}}. Empty documents are dropped.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

// yaml@2 lives in tests/validators/node_modules (INJ_VALIDATORS), not beside this script.
const require = createRequire(`${process.env.INJ_VALIDATORS}/package.json`);
const { parseAllDocuments } = require("yaml");

const listing = JSON.parse(readFileSync(0, "utf8"));
const out = {};
for (const [name, path] of Object.entries(listing)) {
  try {
    const text = readFileSync(path, "utf8");
    const read = (version) => {
      const docs = parseAllDocuments(text, { version, uniqueKeys: true });
      for (const doc of docs) {
        if (doc.errors.length) throw new Error(`YAML ${version}: ${doc.errors[0].message}`);
      }
      return docs.map((doc) => doc.toJS()).filter((doc) => doc !== null);
    };
    out[name] = { v12: read("1.2"), v11: read("1.1") };
  } catch (error) {
    out[name] = { error: String(error.message || error) };
  }
}
process.stdout.write(JSON.stringify(out));
