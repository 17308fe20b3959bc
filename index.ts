import { createPipeline } from "./program";

const pipeline = createPipeline();

export const rawBucket = pipeline.rawBucket;
export const processedBucket = pipeline.processedBucket;
export const athenaResultsBucket = pipeline.athenaResultsBucket;
export const kmsKeyArn = pipeline.kmsKeyArn;
export const trackingTable = pipeline.trackingTable;
export const alertTopicArn = pipeline.alertTopicArn;
export const glueDatabase = pipeline.glueDatabase;
export const glueTable = pipeline.glueTable;
export const glueDailyTable = pipeline.glueDailyTable;
export const glueQualityTable = pipeline.glueQualityTable;
export const athenaWorkgroup = pipeline.athenaWorkgroup;
export const dashboardUrl = pipeline.dashboardUrl;
export const functionNames = pipeline.functionNames;
export const invokeArns = pipeline.invokeArns;
export const deadLetterQueueUrls = pipeline.deadLetterQueueUrls;
export const scheduleDeadLetterQueueUrl = pipeline.scheduleDeadLetterQueueUrl;
export const compactionScheduleDeadLetterQueueUrl = pipeline.compactionScheduleDeadLetterQueueUrl;
export const packageSizes = pipeline.packageSizes;
