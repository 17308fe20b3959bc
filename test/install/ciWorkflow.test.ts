/**
 * The CI workflow as GitHub would run it: the install proven on each platform users install on,
 * previews with the policy pack commented on the pull request, no secrets asked of forks, dev
 * deployed on merge and prod only through its protected environment, AWS reached through OIDC.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";

const WORKFLOW = path.resolve(__dirname, "../../.github/workflows/pulumi.yml");

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

interface Job {
  if?: string;
  needs?: string | string[];
  environment?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix: { include: Record<string, unknown>[] } };
  "runs-on": string;
  steps: Step[];
}

describe("CI workflow", () => {
  const workflow = parseYaml(fs.readFileSync(WORKFLOW, "utf8")) as {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: Record<string, Job>;
  };
  const jobs = workflow.jobs;
  const pulumiSteps = (job: Job) => job.steps.filter((step) => step.uses?.startsWith("pulumi/actions@"));
  const needs = (job: Job) => (Array.isArray(job.needs) ? job.needs : job.needs === undefined ? [] : [job.needs]);

  it("installs and checks the harness's Node on Linux x64 and arm64, macOS Intel and Apple silicon, and Windows", () => {
    const runners = jobs.install.strategy!.matrix.include.map((entry) => entry.os);
    expect(runners).to.have.members(["ubuntu-latest", "ubuntu-24.04-arm", "macos-15-intel", "macos-latest", "windows-latest"]);
    const commands = jobs.install.steps.map((step) => step.run ?? "").join("\n");
    expect(commands).to.contain("npm ci");
    expect(commands).to.contain("test/install/platformInstall.test.ts");
    expect(commands).to.contain("resolveNodeRuntime");
    // Node 22 hosts prove the packaged Node 24; Apple silicon has none and must bring its own.
    const nodeOf = (os: string) => jobs.install.strategy!.matrix.include.find((entry) => entry.os === os)?.node;
    expect(nodeOf("ubuntu-latest")).to.equal(22);
    expect(nodeOf("macos-latest")).to.equal(24);
  });

  it("runs the tests and the offline policy check before previewing or deploying", () => {
    expect(jobs.test.steps.map((step) => step.run)).to.include(".ci/run");
    expect(fs.readFileSync(path.resolve(__dirname, "../../.ci/run"), "utf8")).to.match(
      /npm test[\s\S]*policy:check -- --stack dev[\s\S]*policy:check -- --stack prod/,
    );
    expect(needs(jobs.preview)).to.include("test");
    expect(needs(jobs["deploy-dev"])).to.include.members(["install", "test"]);
  });

  it("previews each stack on pull requests with pulumi/actions v7, the policy pack and a PR comment", () => {
    expect(jobs.preview.strategy!.matrix.include.map((entry) => entry.stack)).to.deep.equal(["dev", "prod"]);
    const [preview] = pulumiSteps(jobs.preview);
    expect(preview.uses).to.equal("pulumi/actions@v7");
    expect(preview.with).to.include({ command: "preview", policyPacks: "policies", "comment-on-pr": true });
    expect(preview.env?.PULUMI_ACCESS_TOKEN).to.equal("${{ secrets.PULUMI_ACCESS_TOKEN }}");
    expect(jobs.preview.permissions).to.include({ "id-token": "write", "pull-requests": "write" });
  });

  it("skips forks with a notice instead of failing for lack of secrets", () => {
    expect(workflow.on).to.not.have.property("pull_request_target");
    expect(jobs.preview.if).to.contain("github.event.pull_request.head.repo.full_name == github.repository");
    expect(jobs["fork-notice"].if).to.contain("github.event.pull_request.head.repo.full_name != github.repository");
    expect(jobs["fork-notice"].steps.map((step) => step.run).join("\n")).to.match(/::notice .*skipped/);
  });

  it("deploys dev on merge and prod only through its protected environment, each with its own OIDC role", () => {
    expect(jobs["deploy-dev"].if).to.contain("refs/heads/main");
    expect(jobs["deploy-dev"].environment).to.equal("dev");
    expect(jobs["deploy-prod"].environment).to.equal("prod");
    expect(needs(jobs["deploy-prod"])).to.deep.equal(["deploy-dev"]);
    const roleOf = (job: Job) => job.steps.find((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials@"))?.with?.["role-to-assume"];
    expect(roleOf(jobs["deploy-dev"])).to.equal("${{ vars.AWS_DEPLOY_ROLE_DEV }}");
    expect(roleOf(jobs["deploy-prod"])).to.equal("${{ vars.AWS_DEPLOY_ROLE_PROD }}");
    expect(jobs.preview.strategy!.matrix.include.map((entry) => entry.role)).to.deep.equal(["AWS_PREVIEW_ROLE_DEV", "AWS_PREVIEW_ROLE_PROD"]);
    for (const name of ["deploy-dev", "deploy-prod"]) {
      const [up] = pulumiSteps(jobs[name]);
      expect(up.with).to.include({ command: "up", policyPacks: "policies" });
      expect(jobs[name].permissions).to.include({ "id-token": "write" });
    }
    // No long-lived AWS keys anywhere, and the default token stays read-only.
    expect(fs.readFileSync(WORKFLOW, "utf8")).to.not.match(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/);
    expect(workflow.permissions).to.deep.equal({ contents: "read" });
  });
});
