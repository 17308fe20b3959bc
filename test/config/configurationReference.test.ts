import { expect } from "chai";
import * as fs from "fs";
import { allSettings } from "../../contract/settings";
import { REFERENCE_FILE, renderConfigurationReference } from "../../tools/configurationReference";

describe("docs/configuration.md", () => {
  it("is what npm run docs:config renders from the settings contract and the stack files", () => {
    const committed = fs.readFileSync(REFERENCE_FILE, "utf8");
    expect(committed === renderConfigurationReference(), "docs/configuration.md is stale: run npm run docs:config").to.equal(true);
  });

  it("lists every stack key and every environment variable of the contract once", () => {
    const committed = fs.readFileSync(REFERENCE_FILE, "utf8");
    for (const setting of allSettings()) {
      if (setting.key !== undefined) expect(committed.split(`| \`${setting.key}\` |`), setting.key).to.have.length(2);
      if (setting.env !== undefined) expect(committed, setting.env).to.include(setting.env);
    }
  });
});
