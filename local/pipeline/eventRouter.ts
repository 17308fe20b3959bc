/**
 * S3 event notifications as the program configures them: each ObjectCreated record the S3
 * stand-in fires goes, as its own event, to every function whose BucketNotification rule matches
 * the bucket, the event name and the key's prefix and suffix. Rules match the decoded key; the
 * record keeps the URL-encoded key S3 sends.
 */
import type { S3Event, S3EventRecord } from "aws-lambda";
import { decodeS3EventKey } from "../../handlers/shared/s3Keys";
import type { BucketNotificationRule } from "./topology";

function eventMatches(ruleEvent: string, eventName: string): boolean {
  const qualified = `s3:${eventName}`;
  return ruleEvent === qualified || (ruleEvent.endsWith(":*") && qualified.startsWith(ruleEvent.slice(0, -1)));
}

export function functionsNotifiedBy(rules: readonly BucketNotificationRule[], record: S3EventRecord): string[] {
  const key = decodeS3EventKey(record.s3.object.key);
  return rules
    .filter(
      (rule) =>
        rule.bucket === record.s3.bucket.name &&
        rule.events.some((ruleEvent) => eventMatches(ruleEvent, record.eventName)) &&
        key.startsWith(rule.filterPrefix) &&
        key.endsWith(rule.filterSuffix),
    )
    .map((rule) => rule.functionName);
}

/** Routes each record of `event` through `invoke(functionName, event)`. */
export function routeS3Event(rules: readonly BucketNotificationRule[], event: S3Event, invoke: (functionName: string, event: S3Event) => void): void {
  for (const record of event.Records) {
    for (const functionName of functionsNotifiedBy(rules, record)) invoke(functionName, { Records: [record] });
  }
}
