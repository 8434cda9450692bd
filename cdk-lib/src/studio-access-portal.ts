import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { PortalPlan } from './plan';
import type { PlannedVpc } from './planned-vpc';
import { Exchange } from './private/exchange';
import { PlanIndex } from './private/plan-index';
import { iamPolicy } from './private/policy';
import { studioPlan } from './private/studio-plan';
import { acknowledgeVpcFunction, httpsToPlannedEndpoints, logStatement, vpcEniStatement } from './private/vpc-function';
import type { Topology } from './topology';

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
    const portal = studioPlan(this, topology).portal;
    if (portal.vpc !== vpc.vpcName)
      throw new Error(`${this.node.path}: the portal is planned in VPC '${portal.vpc}', not '${vpc.vpcName}'`);
    const apiEndpoint = portal.apiEndpoint;
    if (!apiEndpoint) {
      throw new Error(
        `${this.node.path}: no execute-api endpoint serves the portal VPC '${portal.vpc}'; add execute-api to the endpoints shared with it`,
      );
    }
    let identity = props.identity;
    if (!identity) {
      const pool = this.userPoolOfItsOwn();
      this.userPool = pool.userPool;
      identity = pool.identity;
    }
    const presign = this.presignFunction(topology, portal, vpc);
    const authorizer = this.jwtAuthorizer(identity);
    const index = PlanIndex.of(topology.plan);
    const endpoint = index.endpoint(apiEndpoint);
    if (!endpoint.idParameter) throw new Error(`${this.node.path}: the plan does not publish ${apiEndpoint}'s ID; this is a Linkplan bug`);
    const vpceId = Exchange.of(this, topology, vpc.planned.stack).get(endpoint.idParameter, index.vpc(endpoint.vpc).stack);
    this.api = this.privateApi(portal, vpceId, presign, authorizer);
  }

  /** A Cognito user pool: MFA required, strong passwords, threat protection. */
  private userPoolOfItsOwn(): { userPool: cognito.UserPool; identity: PortalIdentity } {
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
    const region = Stack.of(this).region;
    return {
      userPool: pool,
      identity: { issuer: `https://cognito-idp.${region}.amazonaws.com/${pool.userPoolId}`, audience: client.userPoolClientId },
    };
  }

  /**
   * The VPC function mapping a user to their LOB's planned domain: it runs
   * as the planned portal role (its trust and permissions exactly the
   * plan's), whose ARN is published for the LOB stacks' trust policies.
   */
  private presignFunction(topology: Topology, portal: PortalPlan, vpc: PlannedVpc): lambda.Function {
    const index = PlanIndex.of(topology.plan);
    const portalPlan = index.role(portal.role);
    const logGroup = new logs.LogGroup(this, 'PortalLogs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    const portalRole = new iam.Role(this, 'PortalRole', {
      roleName: portalPlan.name,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        planned: iam.PolicyDocument.fromJson(iamPolicy(portalPlan.permissions)),
        logs: new iam.PolicyDocument({ statements: [logStatement(logGroup.logGroupArn)] }),
        vpc: new iam.PolicyDocument({ statements: [vpcEniStatement()] }),
      },
    });
    // the planned trust, conditions included, rather than the L2's default
    (portalRole.node.defaultChild as iam.CfnRole).assumeRolePolicyDocument = iamPolicy(portalPlan.trust);
    if (portalPlan.arnParameter) {
      Exchange.of(this, topology, vpc.planned.stack).publish(portalPlan.arnParameter, portalRole.roleArn);
    }
    acknowledgeVpcFunction(portalRole, logGroup);
    const domains: Record<string, { lob: string; accountId: string; region: string; domainName: string; roleArn: string }> = {};
    for (const d of studioPlan(this, topology).domains) {
      for (const user of d.users) {
        domains[user] = { lob: d.lob, accountId: d.accountId, region: d.region, domainName: d.name, roleArn: index.role(d.urlRole).arn };
      }
    }
    const sg = new ec2.CfnSecurityGroup(this, 'PresignSecurityGroup', {
      vpcId: vpc.vpcId,
      groupDescription: `${topology.name} portal: HTTPS to the planned endpoints only`,
      securityGroupEgress: httpsToPlannedEndpoints(topology.plan, portal.vpc),
    });
    return new lambda.Function(this, 'Presign', {
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
  }

  /** The JWT authorizer, outside the VPC: it fetches the issuer's keys from the internet. */
  private jwtAuthorizer(identity: PortalIdentity): apigateway.RequestAuthorizer {
    const authorizerLogs = new logs.LogGroup(this, 'AuthorizerLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
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
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(authorizerLogs.node.defaultChild as logs.CfnLogGroup)}.Arn>:*]`,
      reason: "Log streams of the function's own log group only.",
    });
    return new apigateway.RequestAuthorizer(this, 'JwtAuthorizer', {
      handler: authorizerFn,
      identitySources: [apigateway.IdentitySource.header('Authorization')],
      // a cached Deny (someone else's path) would also block the user's own path
      resultsCacheTtl: Duration.seconds(0),
    });
  }

  /** The private API: only the planned execute-api endpoint may call it; `GET /studio/{user}`. */
  private privateApi(
    portal: PortalPlan,
    vpceId: string,
    presign: lambda.Function,
    authorizer: apigateway.RequestAuthorizer,
  ): apigateway.RestApi {
    const apiPolicy = portal.apiPolicy;
    if (!apiPolicy) throw new Error(`${this.node.path}: the plan gives the portal API no resource policy; this is a Linkplan bug`);
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const api = new apigateway.RestApi(this, 'Api', {
      restApiName: portal.apiName,
      description: 'Private Studio access portal: GET /studio/{user} answers 302 with a presigned Studio URL',
      endpointConfiguration: { types: [apigateway.EndpointType.PRIVATE] },
      // the plan's resource policy: any caller, only through the planned endpoint
      policy: iam.PolicyDocument.fromJson(
        iamPolicy(apiPolicy, (kind, id) => {
          if (kind === 'endpoint-id' && id === portal.apiEndpoint) return vpceId;
          throw new Error(`${this.node.path}: the portal API's policy names {{${kind}:${id}}}; this is a Linkplan bug`);
        }),
      ),
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: portal.apiStage,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        tracingEnabled: true,
      },
    });
    const validator = new apigateway.RequestValidator(this, 'Validator', {
      restApi: api,
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    api.root
      .addResource('studio')
      .addResource('{user}')
      .addMethod('GET', new apigateway.LambdaIntegration(presign), {
        authorizer,
        authorizationType: apigateway.AuthorizationType.CUSTOM,
        requestValidator: validator,
        requestParameters: { 'method.request.path.user': true, 'method.request.header.Authorization': true },
      });
    Validations.of(api).acknowledge(
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'A private API: its resource policy admits only the planned execute-api endpoint, inside the organization network; no internet traffic reaches it.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          'The JWT authorizer validates tokens of any OIDC issuer (Cognito by default) and checks that users call only their own path, which a Cognito authorizer cannot.',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: "API Gateway's account-level role for execution logs, as AWS documents it.",
      },
    );
    return api;
  }
}
