// Copies the rule-file JSON schema (written for the server, in the Python
// package) into schemas/ for `contributes.yamlValidation`.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, "..", "..", "..", "archrules_lsp", "data", "rules.schema.json");
const destDir = join(here, "..", "schemas");
const dest = join(destDir, "rules.schema.json");

if (!existsSync(src)) {
  console.error(`copy-schema: ${src} does not exist (it is written with the server's rule loader)`);
  process.exit(1);
}
JSON.parse(readFileSync(src, "utf8")); // must be valid JSON
mkdirSync(destDir, { recursive: true });
copyFileSync(src, dest);
console.log(`copy-schema: ${src} -> ${dest}`);
