/**
 * Alerts to the stack's SNS topic. Subjects are cut to what SNS accepts (ASCII, one line, at most
 * 100 characters) so a long snapshot description cannot make the publish itself fail; message
 * attributes let a subscription filter by kind and environment.
 */
import type { SNSClient } from "@aws-sdk/client-sns";
import type { Logger } from "./logger";
import { describeError } from "./namedError";

export interface Alert {
  subject: string;
  message: string;
  /** e.g. "data-quality", "circuit-open", "circuit-closed" */
  kind: string;
}

export interface AlertPublisher {
  publish(alert: Alert): Promise<void>;
}

/** An SNS client, or a function that gives it when an alert is first sent (see AlertPublisherOptions.sns). */
export type SnsClientSource = SNSClient | (() => SNSClient);

export function snsClientOf(source: SnsClientSource): SNSClient {
  return typeof source === "function" ? source() : source;
}

export interface AlertPublisherOptions {
  /**
   * The SNS client, or a function that gives it, called at each alert. The SNS SDK is loaded at the
   * first alert too: a container whose snapshots all pass never loads it, which keeps about 20 ms
   * of CPU out of its cold start.
   */
  sns: SnsClientSource;
  topicArn: string;
  /** The stack name, prefixed to every subject and sent as an attribute. */
  environment: string;
}

const MAX_SUBJECT_LENGTH = 100;
/** SNS messages are limited to 256 KB; leave room for the envelope. */
const MAX_MESSAGE_BYTES = 250_000;

export function snsSubject(environment: string, subject: string): string {
  const ascii = `[${environment}] ${subject}`.replace(/[^\x20-\x7e]/g, "?");
  return ascii.length > MAX_SUBJECT_LENGTH ? `${ascii.slice(0, MAX_SUBJECT_LENGTH - 1)}~` : ascii;
}

function fitMessage(message: string): string {
  if (Buffer.byteLength(message) <= MAX_MESSAGE_BYTES) return message;
  const note = "\n… (cut to fit SNS's message size limit; the validation report has everything)";
  return (
    Buffer.from(message)
      .subarray(0, MAX_MESSAGE_BYTES - note.length * 3)
      .toString() + note
  );
}

/**
 * For stacks without an alert topic (createErrorNotificationTopic: false): the alert is not
 * dropped but written to the function's log at WARN, where a metric filter or a reader finds it.
 */
export function createLoggedAlertPublisher(logger: Pick<Logger, "warn">): AlertPublisher {
  return {
    async publish(alert) {
      logger.warn("alert (no alert topic configured, so it is logged only)", { alert });
    },
  };
}

export function createAlertPublisher(options: AlertPublisherOptions): AlertPublisher {
  return {
    async publish(alert) {
      try {
        const { PublishCommand } = require("@aws-sdk/client-sns") as typeof import("@aws-sdk/client-sns");
        await snsClientOf(options.sns).send(
          new PublishCommand({
            TopicArn: options.topicArn,
            Subject: snsSubject(options.environment, alert.subject),
            Message: fitMessage(alert.message),
            MessageAttributes: {
              kind: { DataType: "String", StringValue: alert.kind },
              environment: { DataType: "String", StringValue: options.environment },
            },
          }),
        );
      } catch (error) {
        throw new Error(`could not publish the ${alert.kind} alert to ${options.topicArn}: ${describeError(error)}`, { cause: error });
      }
    },
  };
}
