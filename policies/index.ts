import * as fs from "fs";
import * as path from "path";
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./rules";

// Loaded by the Pulumi CLI: `pulumi preview --policy-pack policies`. Constructing the pack starts the
// analyzer's gRPC server, which is why tests and the offline check import ./rules instead.
new PolicyPack("flight-data-pipeline-guardrails", {
  description: "Least-privilege IAM, customer-managed-key encryption and operational guardrails for the flight-data pipeline.",
  provider: "aws",
  tags: ["aws", "iam", "encryption", "serverless"],
  readme: fs.readFileSync(path.join(__dirname, "RULES.md"), "utf8"),
  policies,
});
