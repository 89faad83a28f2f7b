// Validates Kubernetes objects (a JSON array in the file argv[2]) against the Kubernetes OpenAPI
// schemas as compiled by the npm package kubernetes-models (and @kubernetes-models/
// prometheus-operator for ServiceMonitor): types, required fields, enums and formats of every
// field. Prints one line per object; exits 1 when any object is invalid or of a kind no package
// knows.
import { readFileSync } from "node:fs";

const objects = JSON.parse(readFileSync(process.argv[2], "utf8"));
let failed = 0;
for (const o of objects) {
  const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : ["", o.apiVersion];
  const name = `${o.kind}/${o.metadata?.name}`;
  const module =
    group === "monitoring.coreos.com"
      ? `@kubernetes-models/prometheus-operator/${group}/${version}/${o.kind}`
      : `kubernetes-models/${group === "" ? "" : group + "/"}${version}/${o.kind}`;
  let Model;
  try {
    Model = (await import(module))[o.kind];
  } catch (e) {
    console.log(`FAIL ${o.apiVersion} ${name}: no schema (${module}): ${e.message}`);
    failed++;
    continue;
  }
  try {
    new Model(o).validate();
    console.log(`ok   ${o.apiVersion} ${name}`);
  } catch (e) {
    console.log(`FAIL ${o.apiVersion} ${name}: ${e.message}`);
    failed++;
  }
}
console.log(`${objects.length - failed} valid, ${failed} invalid`);
process.exit(failed === 0 ? 0 : 1);
