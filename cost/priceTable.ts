/**
 * The price table the estimate uses: cost/prices-us-east-1.json unless `--prices file.json` names
 * another. Every price must be present as a non-negative number, so a typo or a missing service
 * fails with the path of the bad entry instead of quietly costing nothing.
 */
import * as fs from "fs";
import * as path from "path";

type ByArchitecture = { x86_64: number; arm64: number };

export interface PriceTable {
  region: string;
  /** The date the prices are assumed to hold, YYYY-MM-DD. */
  asOf: string;
  source: string;
  lambda: {
    requestPerMillion: number;
    gbSecond: ByArchitecture;
    provisionedGbSecond: ByArchitecture;
    provisionedDurationGbSecond: ByArchitecture;
  };
  s3: { standardGbMonth: number; standardIaGbMonth: number; putPerThousand: number; getPerThousand: number };
  cloudwatch: {
    metricMonth: number;
    putMetricDataPerThousand: number;
    alarmMonth: number;
    dashboardMonth: number;
    logsIngestedGb: number;
    logsStoredGbMonth: number;
  };
  dynamodb: { writeRequestPerMillion: number; readRequestPerMillion: number };
  sns: { publishPerMillion: number; emailPerHundredThousand: number };
  kms: { keyMonth: number; requestPerTenThousand: number };
  secretsManager: { secretMonth: number; apiCallPerTenThousand: number };
  sqs: { requestPerMillion: number };
  xray: { traceRecordedPerMillion: number };
}

export const DEFAULT_PRICES_PATH = path.join(__dirname, "prices-us-east-1.json");

const ARCHITECTURE_PRICES = { x86_64: 0, arm64: 0 };
/** The shape every price file must have; the numbers here are placeholders. */
const PRICE_SHAPE: Omit<PriceTable, "region" | "asOf" | "source"> = {
  lambda: { requestPerMillion: 0, gbSecond: ARCHITECTURE_PRICES, provisionedGbSecond: ARCHITECTURE_PRICES, provisionedDurationGbSecond: ARCHITECTURE_PRICES },
  s3: { standardGbMonth: 0, standardIaGbMonth: 0, putPerThousand: 0, getPerThousand: 0 },
  cloudwatch: { metricMonth: 0, putMetricDataPerThousand: 0, alarmMonth: 0, dashboardMonth: 0, logsIngestedGb: 0, logsStoredGbMonth: 0 },
  dynamodb: { writeRequestPerMillion: 0, readRequestPerMillion: 0 },
  sns: { publishPerMillion: 0, emailPerHundredThousand: 0 },
  kms: { keyMonth: 0, requestPerTenThousand: 0 },
  secretsManager: { secretMonth: 0, apiCallPerTenThousand: 0 },
  sqs: { requestPerMillion: 0 },
  xray: { traceRecordedPerMillion: 0 },
};

function checkShape(shape: object, value: unknown, at: string, problems: string[]): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push(`${at} must be an object`);
    return;
  }
  const actual = value as Record<string, unknown>;
  for (const [key, expected] of Object.entries(shape)) {
    const here = `${at}.${key}`;
    if (typeof expected === "object") checkShape(expected as object, actual[key], here, problems);
    else if (typeof actual[key] !== "number" || !Number.isFinite(actual[key]) || (actual[key] as number) < 0) {
      problems.push(`${here} is ${JSON.stringify(actual[key]) ?? "missing"}; expected a non-negative number (USD)`);
    }
  }
  for (const key of Object.keys(actual)) if (!(key in shape)) problems.push(`${at}.${key} is not a price the estimate knows`);
}

/** Checks a parsed price file; `source` names it in the error. */
export function parsePriceTable(value: unknown, source: string): PriceTable {
  const problems: string[] = [];
  if (typeof value !== "object" || value === null) throw new Error(`price file ${source} must hold a JSON object`);
  const { region, asOf, source: origin, ...prices } = value as Record<string, unknown>;
  if (typeof region !== "string" || region === "") problems.push("region must be a region name such as us-east-1");
  if (typeof asOf !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(asOf))
    problems.push(`asOf is ${JSON.stringify(asOf)}; expected the date the prices hold, YYYY-MM-DD`);
  if (typeof origin !== "string") problems.push("source must say where the prices come from");
  checkShape(PRICE_SHAPE, prices, "prices", problems);
  if (problems.length > 0) throw new Error(`price file ${source} is not usable:\n  - ${problems.join("\n  - ")}`);
  return value as PriceTable;
}

export function loadPriceTable(file = DEFAULT_PRICES_PATH): PriceTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`price file ${file} cannot be read as JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return parsePriceTable(parsed, file);
}
