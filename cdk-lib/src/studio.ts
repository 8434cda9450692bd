import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { Exchange } from './exchange';
import { endpointSite, keys, vpcSite } from './layout';
import { PlannedVpc } from './planned-vpc';
import { Topology } from './topology';
import { acknowledgeVpcFunction, httpsToPlannedEndpoints, logStatement, vpcEniStatement } from './vpc-function';

function studioPlan(scope: Construct, topology: Topology): any {
  const s = topology.plan.studio;
  if (!s) throw new Error(`${scope.node.path}: topology '${topology.name}' has no \`studio\` section`);
  return s;
}

function role(topology: Topology, id: string): any {
  return (topology.plan.iam.roles as any[]).find((r) => r.id === id);
}

/** Props of `StudioLobDomain`. */
export interface StudioLobDomainProps {
  /** The validated topology; its `studio.domains` names the LOB. */
  readonly topology: Topology;
  /** The line of business (`studio.domains[].lob`). */
  readonly lob: string;
  /** The LOB's planned VPC (e.g. an `AppSpokeVpc`'s). */
  readonly vpc: PlannedVpc;
}

/**
 * One line of business's SageMaker Studio, as planned: a domain in
 * `VpcOnly` mode with IAM auth in the LOB VPC's workload subnets (its
 * storage encrypted with a key of its own), the planned user profiles, an
 * execution role limited to the domain's own apps, spaces and logs (not
 * AmazonSageMakerFullAccess), and the presigned-URL role that only the
 * portal's role may assume, usable only through the planned SageMaker API
 * and Studio endpoints (`aws:SourceVpce`).
 */
export class StudioLobDomain extends Construct {
  /** The domain's ID (a token). */
  public readonly domainId: string;
  /** The presigned-URL role. */
  public readonly urlRole: iam.CfnRole;

  constructor(scope: Construct, id: string, props: StudioLobDomainProps) {
    super(scope, id);
    const { topology, vpc } = props;
    const plan = topology.plan;
    const d = (studioPlan(this, topology).domains as any[]).find((x) => x.lob === props.lob);
    if (!d) throw new Error(`${this.node.path}: LOB '${props.lob}' has no domain in topology '${topology.name}'`);
    if (d.vpc !== vpc.vpcName) throw new Error(`${this.node.path}: the domain of '${d.lob}' is planned in VPC '${d.vpc}', not '${vpc.vpcName}'`);
    const stack = Stack.of(this);
    const exchange = Exchange.of(this, topology, vpc.site);

    const key = new kms.Key(this, 'Key', { enableKeyRotation: true, description: `${d.name}: Studio storage`, removalPolicy: RemovalPolicy.RETAIN });
    // Studio apps talk to the domain's EFS (NFS) and to each other (8192-65535) inside the group
    const sg = new ec2.CfnSecurityGroup(this, 'SecurityGroup', {
      vpcId: vpc.vpcId,
      groupDescription: `${d.name}: Studio apps, their storage and the planned endpoints`,
      securityGroupEgress: httpsToPlannedEndpoints(plan, d.vpc),
    });
    for (const [from, to, what] of [[2049, 2049, 'NFS to the domain storage'], [8192, 65535, 'between Studio apps']] as [number, number, string][]) {
      new ec2.CfnSecurityGroupIngress(this, `Self-${from}`, { groupId: sg.attrGroupId, ipProtocol: 'tcp', fromPort: from, toPort: to, sourceSecurityGroupId: sg.attrGroupId, description: what });
      new ec2.CfnSecurityGroupEgress(this, `SelfOut-${from}`, { groupId: sg.attrGroupId, ipProtocol: 'tcp', fromPort: from, toPort: to, destinationSecurityGroupId: sg.attrGroupId, description: what });
    }

    const execPlan = role(topology, d.executionRole);
    const execution = new iam.CfnRole(this, 'ExecutionRole', { roleName: execPlan.name, assumeRolePolicyDocument: execPlan.trust });
    const domain = new sagemaker.CfnDomain(this, 'Domain', {
      domainName: d.name,
      authMode: 'IAM',
      appNetworkAccessType: 'VpcOnly',
      vpcId: vpc.vpcId,
      subnetIds: vpc.subnetIds('workload'),
      kmsKeyId: key.keyId,
      defaultUserSettings: { executionRole: execution.attrArn, securityGroups: [sg.attrGroupId] },
    });
    this.domainId = domain.attrDomainId;
    const arn = (resource: string) => `arn:aws:sagemaker:${d.region}:${d.accountId}:${resource}`;
    new iam.CfnPolicy(this, 'ExecutionPolicy', {
      policyName: 'studio-apps',
      roles: [execution.ref],
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ThisDomainsAppsAndSpacesOnly',
            Effect: 'Allow',
            Action: ['sagemaker:DescribeDomain', 'sagemaker:DescribeUserProfile', 'sagemaker:DescribeSpace', 'sagemaker:DescribeApp', 'sagemaker:CreateApp', 'sagemaker:DeleteApp', 'sagemaker:ListApps', 'sagemaker:ListSpaces', 'sagemaker:ListTags', 'sagemaker:AddTags'],
            Resource: [arn(`domain/${domain.attrDomainId}`), arn(`user-profile/${domain.attrDomainId}/*`), arn(`space/${domain.attrDomainId}/*`), arn(`app/${domain.attrDomainId}/*`)],
          },
          {
            Sid: 'StudioLogsOnly',
            Effect: 'Allow',
            Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: [`arn:aws:logs:${d.region}:${d.accountId}:log-group:/aws/sagemaker/studio*`],
          },
          { Sid: 'DomainStorageKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], Resource: [key.keyArn] },
        ],
      },
    });
    Validations.of(this).acknowledge(
      { id: `AwsSolutions-IAM5[Resource::arn:aws:sagemaker:${d.region}:${d.accountId}:user-profile/<${stack.getLogicalId(domain)}.DomainId>/*]`, reason: "The domain's own user profiles, apps and spaces: their names are chosen as users work." },
      { id: `AwsSolutions-IAM5[Resource::arn:aws:sagemaker:${d.region}:${d.accountId}:space/<${stack.getLogicalId(domain)}.DomainId>/*]`, reason: "The domain's own spaces." },
      { id: `AwsSolutions-IAM5[Resource::arn:aws:sagemaker:${d.region}:${d.accountId}:app/<${stack.getLogicalId(domain)}.DomainId>/*]`, reason: "The domain's own apps." },
      { id: `AwsSolutions-IAM5[Resource::arn:aws:logs:${d.region}:${d.accountId}:log-group:/aws/sagemaker/studio*]`, reason: "Studio's own log groups." },
    );

    for (const user of d.users as string[]) {
      new sagemaker.CfnUserProfile(this, `User-${user}`, {
        domainId: domain.attrDomainId,
        userProfileName: user,
        userSettings: { executionRole: execution.attrArn, securityGroups: [sg.attrGroupId] },
      });
    }

    // the presigned-URL role: trusted by the portal's role (read from the
    // portal's stack, so this stack deploys after the role exists: IAM
    // refuses a trust policy naming a role that does not)
    const urlPlan = role(topology, d.urlRole);
    const portal = studioPlan(this, topology).portal;
    const portalRoleArn = exchange.get(keys.portalRoleArn(), vpcSite(plan, portal.vpc));
    const trust = JSON.parse(JSON.stringify(urlPlan.trust));
    trust.Statement[0].Principal = { AWS: portalRoleArn };
    const vpces = (urlPlan.sourceVpce as string[]).map((e) => exchange.get(keys.endpointId(e), endpointSite(plan, e)));
    const onlyThrough = vpces.length > 0 ? { StringEquals: { 'aws:SourceVpce': vpces } } : undefined;
    const permissions = (urlPlan.permissions as any[]).map((st) => ({
      ...st,
      // the plan cannot know the domain ID; the profiles are this domain's
      Resource: (st.Resource as string[]).map((r) => r.replace('/*/', `/${domain.attrDomainId}/`)),
      ...(onlyThrough ? { Condition: onlyThrough } : {}),
    }));
    this.urlRole = new iam.CfnRole(this, 'UrlRole', {
      roleName: urlPlan.name,
      assumeRolePolicyDocument: trust,
      maxSessionDuration: 3600,
      policies: [{
        policyName: 'presigned-urls',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [
            ...permissions,
            // the portal finds the planned domain by name
            { Sid: 'FindThePlannedDomain', Effect: 'Allow', Action: ['sagemaker:ListDomains'], Resource: '*', ...(onlyThrough ? { Condition: onlyThrough } : {}) },
          ],
        },
      }],
    });
    Validations.of(this.urlRole).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'sagemaker:ListDomains has no resource-level permissions; it is limited to calls through the planned SageMaker API endpoint.' });
  }
}

/** The identity provider whose JWTs the portal accepts. */
export interface PortalIdentity {
  /** The issuer (`iss`), e.g. `https://login.example.com/` or a Cognito user pool's issuer URL. */
  readonly issuer: string;
  /** Accepted audiences or client IDs (`aud` or `client_id`), comma-separated. */
  readonly audience: string;
  /**
   * The claim holding the user name, which must match a `studio.domains[].users` entry.
   * @default 'cognito:username', then 'username', then 'sub'
   */
  readonly usernameClaim?: string;
  /**
   * The JWKS URL.
   * @default - `<issuer>/.well-known/jwks.json` for Cognito, OIDC discovery otherwise
   */
  readonly jwksUrl?: string;
}

/** Props of `StudioAccessPortal`. */
export interface StudioAccessPortalProps {
  /** The validated topology; its `studio.portal` names the account and VPC. */
  readonly topology: Topology;
  /** The portal's planned VPC. */
  readonly vpc: PlannedVpc;
  /**
   * The identity provider.
   * @default - a Cognito user pool created here (MFA required, strong passwords)
   */
  readonly identity?: PortalIdentity;
}

/**
 * The Studio access portal, as planned: a private REST API that admits only
 * the planned execute-api endpoint, a JWT authorizer that lets a user call
 * only their own path (`GET /studio/{user}`), and a VPC function that maps
 * the user to their LOB's planned domain (from the topology itself: no
 * tables to fill by hand), assumes the LOB's presigned-URL role and answers
 * 302 with a URL that lives `presignedUrlTtlSeconds`.
 */
export class StudioAccessPortal extends Construct {
  /** The API. */
  public readonly api: apigateway.RestApi;
  /** The user pool, when the portal created one. */
  public readonly userPool?: cognito.UserPool;

  constructor(scope: Construct, id: string, props: StudioAccessPortalProps) {
    super(scope, id);
    const { topology, vpc } = props;
    const plan = topology.plan;
    const s = studioPlan(this, topology);
    const portal = s.portal;
    if (portal.vpc !== vpc.vpcName) throw new Error(`${this.node.path}: the portal is planned in VPC '${portal.vpc}', not '${vpc.vpcName}'`);
    if (!portal.apiEndpoint) throw new Error(`${this.node.path}: no execute-api endpoint serves the portal VPC '${portal.vpc}'; add execute-api to the endpoints shared with it`);
    const stack = Stack.of(this);
    const exchange = Exchange.of(this, topology, vpc.site);

    let identity = props.identity;
    if (!identity) {
      const pool = new cognito.UserPool(this, 'Users', {
        selfSignUpEnabled: false,
        signInAliases: { username: true, email: true },
        mfa: cognito.Mfa.REQUIRED,
        mfaSecondFactor: { otp: true, sms: false },
        passwordPolicy: { minLength: 14, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
        featurePlan: cognito.FeaturePlan.PLUS,
        standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const client = pool.addClient('Portal', { authFlows: { userSrp: true }, generateSecret: false });
      this.userPool = pool;
      identity = { issuer: `https://cognito-idp.${stack.region}.amazonaws.com/${pool.userPoolId}`, audience: client.userPoolClientId };
    }

    const portalPlan = role(topology, portal.role);
    const logGroup = new logs.LogGroup(this, 'PortalLogs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    const portalRole = new iam.Role(this, 'PortalRole', {
      roleName: portalPlan.name,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com', { conditions: portalPlan.trust.Statement[0].Condition }),
      inlinePolicies: {
        planned: iam.PolicyDocument.fromJson({ Version: '2012-10-17', Statement: portalPlan.permissions }),
        logs: new iam.PolicyDocument({ statements: [logStatement(logGroup.logGroupArn)] }),
        vpc: new iam.PolicyDocument({ statements: [vpcEniStatement()] }),
      },
    });
    exchange.publish(keys.portalRoleArn(), portalRole.roleArn);
    acknowledgeVpcFunction(portalRole, logGroup);

    const domains: Record<string, any> = {};
    for (const d of s.domains as any[]) {
      for (const user of d.users as string[]) {
        domains[user] = { lob: d.lob, accountId: d.accountId, region: d.region, domainName: d.name, roleArn: role(topology, d.urlRole).arn };
      }
    }
    const sg = new ec2.CfnSecurityGroup(this, 'PresignSecurityGroup', {
      vpcId: vpc.vpcId,
      groupDescription: `${topology.name} portal: HTTPS to the planned endpoints only`,
      securityGroupEgress: httpsToPlannedEndpoints(plan, portal.vpc),
    });
    const presign = new lambda.Function(this, 'Presign', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, '..', 'lambda', 'studio-presign')),
      role: portalRole,
      logGroup,
      timeout: Duration.seconds(15),
      environment: { DOMAINS: JSON.stringify(domains), TTL_SECONDS: String(portal.presignedUrlTtlSeconds), STS_REGION: portal.region },
      vpc: vpc.asIVpc('workload'),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(this, 'PresignSg', sg.attrGroupId)],
    });

    // outside the VPC: it fetches the issuer's keys from the internet
    const authorizerLogs = new logs.LogGroup(this, 'AuthorizerLogs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    const authorizerRole = new iam.Role(this, 'AuthorizerRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    authorizerLogs.grantWrite(authorizerRole);
    const authorizerFn = new lambda.Function(this, 'Authorizer', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, '..', 'lambda', 'studio-authorizer')),
      role: authorizerRole,
      logGroup: authorizerLogs,
      timeout: Duration.seconds(10),
      environment: {
        ISSUER: identity.issuer,
        AUDIENCE: identity.audience,
        ...(identity.usernameClaim ? { USERNAME_CLAIM: identity.usernameClaim } : {}),
        ...(identity.jwksUrl ? { JWKS_URL: identity.jwksUrl } : {}),
      },
    });
    Validations.of(authorizerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(authorizerLogs.node.defaultChild as logs.CfnLogGroup)}.Arn>:*]`,
      reason: "Log streams of the function's own log group only.",
    });

    const vpceId = exchange.get(keys.endpointId(portal.apiEndpoint), endpointSite(plan, portal.apiEndpoint));
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: `${topology.name}-studio-portal`,
      description: 'Private Studio access portal: GET /studio/{user} answers 302 with a presigned Studio URL',
      endpointConfiguration: { types: [apigateway.EndpointType.PRIVATE] },
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({ effect: iam.Effect.ALLOW, principals: [new iam.AnyPrincipal()], actions: ['execute-api:Invoke'], resources: ['execute-api:/*'] }),
          new iam.PolicyStatement({
            effect: iam.Effect.DENY,
            principals: [new iam.AnyPrincipal()],
            actions: ['execute-api:Invoke'],
            resources: ['execute-api:/*'],
            conditions: { StringNotEquals: { 'aws:SourceVpce': vpceId } },
          }),
        ],
      }),
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: 'portal',
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        tracingEnabled: true,
      },
    });
    const authorizer = new apigateway.RequestAuthorizer(this, 'JwtAuthorizer', {
      handler: authorizerFn,
      identitySources: [apigateway.IdentitySource.header('Authorization')],
      // a cached Deny (someone else's path) would also block the user's own path
      resultsCacheTtl: Duration.seconds(0),
    });
    const validator = new apigateway.RequestValidator(this, 'Validator', { restApi: this.api, validateRequestParameters: true, validateRequestBody: true });
    this.api.root.addResource('studio').addResource('{user}').addMethod('GET', new apigateway.LambdaIntegration(presign), {
      authorizer,
      authorizationType: apigateway.AuthorizationType.CUSTOM,
      requestValidator: validator,
      requestParameters: { 'method.request.path.user': true, 'method.request.header.Authorization': true },
    });
    Validations.of(this.api).acknowledge(
      { id: 'AwsSolutions-APIG3', reason: 'A private API: its resource policy admits only the planned execute-api endpoint, inside the organization network; no internet traffic reaches it.' },
      { id: 'AwsSolutions-COG4', reason: 'The JWT authorizer validates tokens of any OIDC issuer (Cognito by default) and checks that users call only their own path, which a Cognito authorizer cannot.' },
      { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]', reason: "API Gateway's account-level role for execution logs, as AWS documents it." },
    );
  }
}
