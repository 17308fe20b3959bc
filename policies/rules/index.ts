import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
  functionEnvironmentEncryptedWithCustomerManagedKey,
  keyRotationEnabled,
  logGroupEncryptedWithCustomerManagedKey,
  queueEncryptedWithCustomerManagedKey,
  secretEncryptedWithCustomerManagedKey,
  tableEncryptedWithCustomerManagedKey,
  topicEncryptedWithCustomerManagedKey,
} from "./encryptionAtRest";
import {
  keyPolicyLeastPrivilege,
  noNotElementsInAllow,
  noUnscopedPublicPrincipal,
  noWildcardActions,
  noWildcardResources,
  passRoleScoped,
} from "./iamDocuments";
import { kmsGrantsThroughServices, tableGrantsByLeadingKeys } from "./iamConditions";
import { noBroadManagedPolicies } from "./iamManagedPolicies";
import {
  functionFailureDestination,
  functionReservedConcurrency,
  functionSupportedRuntime,
  functionTracingActive,
  permissionScopedToSource,
} from "./lambdaFunctions";
import { lambdaRoleTrustsOnlyLambda } from "./lambdaRoleTrust";
import { eventTargetRetryAndDeadLetter, logGroupRetention, tablePointInTimeRecovery } from "./operations";
import { outsideReferencesUnverified } from "./outsideReferences";
import { bucketDeniesInsecureTransport, bucketEncryptedWithCustomerManagedKey, bucketKeysEnabled, bucketPublicAccessBlocked } from "./s3Buckets";

/** Every rule of the pack, importable without constructing the PolicyPack (which starts a gRPC server). */
export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  // Least-privilege IAM
  noWildcardActions,
  noWildcardResources,
  noNotElementsInAllow,
  passRoleScoped,
  noUnscopedPublicPrincipal,
  keyPolicyLeastPrivilege,
  noBroadManagedPolicies,
  lambdaRoleTrustsOnlyLambda,
  permissionScopedToSource,
  kmsGrantsThroughServices,
  tableGrantsByLeadingKeys,
  outsideReferencesUnverified,
  // Encryption
  bucketEncryptedWithCustomerManagedKey,
  bucketKeysEnabled,
  bucketPublicAccessBlocked,
  bucketDeniesInsecureTransport,
  queueEncryptedWithCustomerManagedKey,
  topicEncryptedWithCustomerManagedKey,
  logGroupEncryptedWithCustomerManagedKey,
  tableEncryptedWithCustomerManagedKey,
  functionEnvironmentEncryptedWithCustomerManagedKey,
  secretEncryptedWithCustomerManagedKey,
  keyRotationEnabled,
  // Operations
  logGroupRetention,
  functionTracingActive,
  functionFailureDestination,
  functionReservedConcurrency,
  functionSupportedRuntime,
  eventTargetRetryAndDeadLetter,
  tablePointInTimeRecovery,
];
