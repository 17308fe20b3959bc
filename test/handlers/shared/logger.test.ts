import { expect } from "chai";
import { createLogger, type LogLevel } from "../../../handlers/shared/logger";

describe("structured logger", () => {
  const capture = (level: LogLevel) => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      level,
      fields: { stage: "ingestion" },
      write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
      clock: () => new Date("2026-01-10T12:00:00Z"),
    });
    return { logger, lines };
  };

  it("writes one JSON object per line with time, level, message and fields", () => {
    const { logger, lines } = capture("INFO");
    logger.info("stored snapshot", { key: "raw/x.json", states: 3 });
    expect(lines).to.deep.equal([
      { timestamp: "2026-01-10T12:00:00.000Z", level: "INFO", message: "stored snapshot", stage: "ingestion", key: "raw/x.json", states: 3 },
    ]);
  });

  it("drops lines below the level", () => {
    const { logger, lines } = capture("WARN");
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    expect(lines.map((line) => line.level)).to.deep.equal(["WARN", "ERROR"]);
  });

  it("puts a child's fields, such as the snapshot id, on every line it writes", () => {
    const { logger, lines } = capture("DEBUG");
    const child = logger.child({ snapshotId: "1766888059" });
    child.debug("a");
    child.child({ requestId: "r-1" }).info("b");
    logger.info("c");
    expect(lines.map((line) => line.snapshotId)).to.deep.equal(["1766888059", "1766888059", undefined]);
    expect(lines[1]).to.include({ stage: "ingestion", requestId: "r-1" });
  });

  it("logs an error's name, message, stack and cause instead of {}", () => {
    const { logger, lines } = capture("INFO");
    logger.error("failed", { error: new Error("outer", { cause: new TypeError("inner") }) });
    const error = lines[0]?.error as Record<string, unknown>;
    expect(error).to.include({ name: "Error", message: "outer" });
    expect(error.stack).to.be.a("string");
    expect(error.cause).to.include({ name: "TypeError", message: "inner" });
  });
});
