//! Reading the accounts: credentials, then every account × region at once
//! (bounded), each with its timeout and retries.

use crate::compare::{Existing, ExistingEndpoint, ExistingVpc, Observed, Offer, Zone};
use crate::{ErrorKind, LiveError, Options, Target};
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_ec2::types::{ServiceType, State, TransitGatewayState, VpcCidrBlockStateCode};
use aws_smithy_http_client::tls;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use linkplan_core::Plan;
use linkplan_core::catalog::EndpointKind;
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Error codes AWS answers when it throttles (retried, then reported).
const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "TooManyRequestsException",
    "SlowDown",
];
const DENIED: &[&str] =
    &["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthFailure", "UnauthorizedAccess"];
const BAD_CREDENTIALS: &[&str] = &[
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidAccessKeyId",
    "InvalidToken",
];

/// HTTPS (and plain HTTP, for local endpoints) over rustls on ring.
fn http_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::Ring))
        .build_https()
}

/// The caller's configuration: the standard chain for credentials and
/// region, `AWS_ENDPOINT_URL` and its per-service variants, our timeout and
/// retries.
async fn base_config(
    options: &Options,
    http: &SharedHttpClient,
    fallback_region: &str,
    profile: Option<&str>,
) -> SdkConfig {
    let conf = load(options, http, options.region.clone(), profile).await;
    if conf.region().is_some() {
        return conf;
    }
    // no region anywhere in the chain: the topology's first one
    load(options, http, Some(fallback_region.to_owned()), profile).await
}

async fn load(options: &Options, http: &SharedHttpClient, region: Option<String>, profile: Option<&str>) -> SdkConfig {
    let timeout = TimeoutConfig::builder()
        .operation_timeout(options.timeout)
        .connect_timeout(options.timeout.min(std::time::Duration::from_secs(10)))
        .build();
    // the loader's own chains (region, credentials) get its HTTP client
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http.clone())
        .timeout_config(timeout)
        .retry_config(RetryConfig::standard().with_max_attempts(options.max_attempts.max(1)));
    if let Some(r) = region {
        loader = loader.region(Region::new(r));
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url.clone());
    }
    match profile {
        Some(p) => loader = loader.profile_name(p),
        None => {
            if let Some((key, secret)) = &options.caller_keys {
                loader = loader.credentials_provider(Credentials::new(key, secret, None, None, "linkplan-options"));
            }
        }
    }
    loader.load().await
}

/// Why a call failed, and what to call it.
fn failure<E>(err: &SdkError<E, HttpResponse>, attempts: u32) -> (ErrorKind, String)
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match err {
        SdkError::ServiceError(ctx) => {
            let code = ctx.err().code().unwrap_or("unknown error");
            let message = ctx.err().message().map(|m| format!(": {m}")).unwrap_or_default();
            let status = ctx.raw().status().as_u16();
            if THROTTLING.contains(&code) {
                (ErrorKind::Throttled, format!("still throttled after {attempts} attempts ({code}{message})"))
            } else if DENIED.contains(&code) {
                (ErrorKind::Denied, format!("{code}{message}"))
            } else if BAD_CREDENTIALS.contains(&code) {
                (ErrorKind::NoCredentials, format!("the credentials were rejected ({code}{message})"))
            } else {
                (ErrorKind::Failed, format!("HTTP {status}, {code}{message}"))
            }
        }
        SdkError::TimeoutError(_) => (ErrorKind::Unreachable, "no answer within the timeout".to_owned()),
        SdkError::DispatchFailure(d) => {
            if let Some(c) = credentials_error(err) {
                (ErrorKind::NoCredentials, format!("no credentials ({})", chain(c)))
            } else if d.is_timeout() {
                (ErrorKind::Unreachable, "no answer within the timeout".to_owned())
            } else {
                (ErrorKind::Unreachable, format!("unreachable ({})", chain(err)))
            }
        }
        SdkError::ResponseError(_) => (ErrorKind::Failed, format!("the answer could not be read ({})", chain(err))),
        _ => match credentials_error(err) {
            Some(c) => (ErrorKind::NoCredentials, format!("no credentials ({})", chain(c))),
            None => (ErrorKind::Failed, chain(err)),
        },
    }
}

fn credentials_error<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a CredentialsError> {
    let mut e: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(cur) = e {
        if let Some(c) = cur.downcast_ref::<CredentialsError>() {
            return Some(c);
        }
        e = cur.source();
    }
    None
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An error and its sources, on one line, each message once.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = Some(err);
    while let Some(e) = cur {
        let text = one_line(&e.to_string());
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = e.source();
    }
    parts.join(": ")
}

/// The caller's credentials and account, or why there are none.
async fn caller(base: &SdkConfig, attempts: u32) -> Result<(Credentials, String, String), LiveError> {
    let none = |detail: String| {
        LiveError::new(
            ErrorKind::NoCredentials,
            format!(
                "no AWS credentials: {detail}; set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or log in (`aws sso login`)"
            ),
        )
    };
    let Some(provider) = base.credentials_provider() else { return Err(none("no credentials provider".to_owned())) };
    let credentials = provider.provide_credentials().await.map_err(|e| none(chain(&e)))?;
    let sts = aws_sdk_sts::Client::new(base);
    let me = sts.get_caller_identity().send().await.map_err(|e| {
        let (kind, detail) = failure(&e, attempts);
        LiveError::new(kind, format!("STS GetCallerIdentity failed for the caller's credentials: {detail}"))
    })?;
    let arn = me.arn().unwrap_or_default().to_owned();
    let partition = arn.split(':').nth(1).filter(|p| !p.is_empty()).unwrap_or("aws").to_owned();
    Ok((credentials, me.account().unwrap_or_default().to_owned(), partition))
}

/// How one account is reached.
enum Access {
    Caller,
    Profile(String),
    Role(String),
}

fn access(options: &Options, name: &str, id: &str, caller_account: &str, partition: &str) -> Access {
    let pick = |m: &BTreeMap<String, String>| m.get(name).or_else(|| m.get(id)).cloned();
    if let Some(p) = pick(&options.account_profiles) {
        return Access::Profile(p);
    }
    let role = match pick(&options.account_roles) {
        Some(r) => r,
        // the caller's own account: its credentials as they are
        None if id == caller_account => return Access::Caller,
        None => options.role_name.clone(),
    };
    if role.starts_with("arn:") {
        Access::Role(role)
    } else {
        Access::Role(format!("arn:{partition}:iam::{id}:role/{role}"))
    }
}

/// Credentials in one account: its profile's, the caller's, or a role's.
async fn account_credentials(
    base: SdkConfig,
    options: Options,
    http: SharedHttpClient,
    fallback_region: String,
    target: (String, String),
    access: Access,
    caller: Credentials,
) -> Result<Credentials, LiveError> {
    let (name, id) = target;
    match access {
        Access::Caller => Ok(caller),
        Access::Profile(p) => {
            let conf = base_config(&options, &http, &fallback_region, Some(&p)).await;
            let Some(provider) = conf.credentials_provider() else {
                return Err(LiveError::new(
                    ErrorKind::RoleRefused,
                    format!("profile `{p}` for account {name} ({id}) has no credentials"),
                ));
            };
            provider.provide_credentials().await.map_err(|e| {
                LiveError::new(
                    ErrorKind::RoleRefused,
                    format!("profile `{p}` for account {name} ({id}) gave no credentials: {}", chain(&e)),
                )
            })
        }
        Access::Role(arn) => {
            let provider = AssumeRoleProvider::builder(arn.clone())
                .session_name("linkplan-live")
                .configure(&base)
                .build_from_provider(caller)
                .await;
            provider.provide_credentials().await.map_err(|e| {
                let (kind, detail) = match sts_failure(&e, options.max_attempts) {
                    Some((ErrorKind::Denied | ErrorKind::Failed | ErrorKind::NoCredentials, d)) => {
                        (ErrorKind::RoleRefused, d)
                    }
                    Some((k, d)) => (k, d),
                    None => (ErrorKind::RoleRefused, chain(&e)),
                };
                let what = match kind {
                    ErrorKind::RoleRefused => "cannot assume role",
                    ErrorKind::Throttled => "STS throttled AssumeRole of",
                    _ => "STS unreachable to assume",
                };
                LiveError::new(kind, format!("{what} {arn} in account {name} ({id}): {detail}"))
            })
        }
    }
}

/// The STS failure under an AssumeRole credentials error.
fn sts_failure(e: &CredentialsError, attempts: u32) -> Option<(ErrorKind, String)> {
    use aws_sdk_sts::operation::assume_role::AssumeRoleError;
    let mut cur: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(c) = cur {
        if let Some(sdk) = c.downcast_ref::<SdkError<AssumeRoleError, HttpResponse>>() {
            return Some(failure(sdk, attempts));
        }
        cur = c.source();
    }
    None
}

/// What to read in each account × region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Everything `plan check --live` compares.
    Check,
    /// The AZs and the endpoint services only (`plan catalog refresh`).
    Services,
}

/// Reads every target; the first failure, in target order, stops it all.
pub async fn all(
    plan: &Plan,
    targets: &[Target],
    options: &Options,
    scope: Scope,
) -> Result<Vec<(Target, Observed)>, LiveError> {
    let http = http_client();
    let fallback_region = targets.first().map_or_else(|| "us-east-1".to_owned(), |t| t.region.clone());
    let base = base_config(options, &http, &fallback_region, None).await;
    let (caller_credentials, caller_account, partition) = caller(&base, options.max_attempts).await?;

    // credentials of every account, at most `concurrency` at once
    let limit = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let mut accounts: BTreeMap<(String, String), Option<Credentials>> = BTreeMap::new();
    for t in targets {
        accounts.insert((t.account.clone(), t.account_id.clone()), None);
    }
    let mut set = JoinSet::new();
    for (i, (name, id)) in accounts.keys().enumerate() {
        let how = access(options, name, id, &caller_account, &partition);
        let fut = account_credentials(
            base.clone(),
            options.clone(),
            http.clone(),
            fallback_region.clone(),
            (name.clone(), id.clone()),
            how,
            caller_credentials.clone(),
        );
        let limit = limit.clone();
        set.spawn(async move {
            let _permit = limit.acquire_owned().await;
            (i, fut.await)
        });
    }
    let mut found = first_error(set.join_all().await)?;
    for (slot, credentials) in accounts.values_mut().zip(found.drain(..)) {
        *slot = Some(credentials);
    }

    let mut set = JoinSet::new();
    for (i, t) in targets.iter().enumerate() {
        let Some(Some(credentials)) = accounts.get(&(t.account.clone(), t.account_id.clone())) else { continue };
        let conf = aws_sdk_ec2::config::Builder::from(&base)
            .credentials_provider(SharedCredentialsProvider::new(credentials.clone()))
            .region(Region::new(t.region.clone()))
            .build();
        let client = aws_sdk_ec2::Client::from_conf(conf);
        let check = scope == Scope::Check;
        let want_tgw =
            check && plan.routing.transit_gateways.iter().any(|g| g.account == t.account && g.region == t.region);
        let want_endpoints = check && plan.endpoints.iter().any(|e| e.account == t.account && e.region == t.region);
        let target = t.clone();
        let attempts = options.max_attempts;
        let limit = limit.clone();
        set.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let seen = observe(&client, &target, (check, want_tgw, want_endpoints), attempts).await;
            (i, seen.map(|s| (target, s)))
        });
    }
    first_error(set.join_all().await)
}

/// The results in their original order, or the first error in that order.
fn first_error<T>(mut results: Vec<(usize, Result<T, LiveError>)>) -> Result<Vec<T>, LiveError> {
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

fn call_error<E>(call: &str, target: &Target, attempts: u32) -> impl FnOnce(SdkError<E, HttpResponse>) -> LiveError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let what = target.describe();
    move |e| {
        let (kind, detail) = failure(&e, attempts);
        let message = match kind {
            ErrorKind::Unreachable => format!("the EC2 endpoint for {what} is {detail} (EC2 {call})"),
            _ => format!("EC2 {call} failed in {what}: {detail}"),
        };
        LiveError::new(kind, message)
    }
}

fn name_tag(tags: &[aws_sdk_ec2::types::Tag]) -> Option<String> {
    tags.iter().find(|t| t.key() == Some("Name")).and_then(|t| t.value()).map(str::to_owned)
}

/// One account × region: AZs, VPCs, endpoint services, and (when the plan
/// creates some there) transit gateways and VPC endpoints.
async fn observe(
    client: &aws_sdk_ec2::Client,
    target: &Target,
    (want_vpcs, want_tgw, want_endpoints): (bool, bool, bool),
    attempts: u32,
) -> Result<Observed, LiveError> {
    let zones = match client.describe_availability_zones().send().await {
        Ok(out) => out
            .availability_zones()
            .iter()
            .filter_map(|z| Some(Zone { name: z.zone_name()?.to_owned(), id: z.zone_id()?.to_owned() }))
            .collect(),
        Err(SdkError::ServiceError(ctx)) if ctx.err().code() == Some("OptInRequired") => {
            return Ok(Observed { region_disabled: true, ..Observed::default() });
        }
        Err(e) => return Err(call_error("DescribeAvailabilityZones", target, attempts)(e)),
    };
    let (vpcs, services, transit_gateways, endpoints) = tokio::try_join!(
        async { if want_vpcs { vpcs(client, target, attempts).await } else { Ok(Vec::new()) } },
        services(client, target, attempts),
        async { if want_tgw { transit_gateways(client, target, attempts).await } else { Ok(Vec::new()) } },
        async { if want_endpoints { endpoints(client, target, attempts).await } else { Ok(Vec::new()) } },
    )?;
    Ok(Observed { region_disabled: false, zones, vpcs, services, transit_gateways, endpoints })
}

async fn vpcs(client: &aws_sdk_ec2::Client, target: &Target, attempts: u32) -> Result<Vec<ExistingVpc>, LiveError> {
    let mut out = Vec::new();
    let mut pages = client.describe_vpcs().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(call_error("DescribeVpcs", target, attempts))?;
        for v in page.vpcs() {
            let Some(id) = v.vpc_id() else { continue };
            let mut cidrs: Vec<String> = v.cidr_block().map(str::to_owned).into_iter().collect();
            for a in v.cidr_block_association_set() {
                let live = a.cidr_block_state().and_then(|s| s.state()).is_none_or(|s| {
                    matches!(s, VpcCidrBlockStateCode::Associated | VpcCidrBlockStateCode::Associating)
                });
                if let Some(c) = a.cidr_block().filter(|c| live && !cidrs.iter().any(|x| x == c)) {
                    cidrs.push(c.to_owned());
                }
            }
            out.push(ExistingVpc {
                id: id.to_owned(),
                is_default: v.is_default().unwrap_or(false),
                cidrs,
                name: name_tag(v.tags()),
            });
        }
    }
    Ok(out)
}

async fn services(
    client: &aws_sdk_ec2::Client,
    target: &Target,
    attempts: u32,
) -> Result<BTreeMap<String, Offer>, LiveError> {
    let mut out: BTreeMap<String, Offer> = BTreeMap::new();
    // the SDK has no paginator for this operation (its model does not mark it paginated)
    let mut token = None;
    loop {
        let page = client.describe_vpc_endpoint_services().set_next_token(token).send().await.map_err(call_error(
            "DescribeVpcEndpointServices",
            target,
            attempts,
        ))?;
        for s in page.service_details() {
            let Some(name) = s.service_name() else { continue };
            // S3 and DynamoDB come twice, once per type: merge them
            let offer: &mut Offer = out.entry(name.to_owned()).or_default();
            offer.azs.extend(s.availability_zones().iter().cloned());
            offer.kinds.extend(s.service_type().iter().filter_map(|t| match t.service_type() {
                Some(ServiceType::Interface) => Some(EndpointKind::Interface),
                Some(ServiceType::Gateway) => Some(EndpointKind::Gateway),
                _ => None,
            }));
            let names = s.private_dns_names().iter().filter_map(|n| n.private_dns_name());
            offer.private_dns.extend(names.chain(s.private_dns_name()).map(str::to_owned));
            if offer.owner.is_none() {
                offer.owner = s.owner().map(str::to_owned);
            }
        }
        token = page.next_token().filter(|t| !t.is_empty()).map(str::to_owned);
        if token.is_none() {
            for offer in out.values_mut() {
                for v in [&mut offer.azs, &mut offer.private_dns] {
                    v.sort();
                    v.dedup();
                }
                offer.kinds.sort();
                offer.kinds.dedup();
            }
            return Ok(out);
        }
    }
}

async fn transit_gateways(
    client: &aws_sdk_ec2::Client,
    target: &Target,
    attempts: u32,
) -> Result<Vec<Existing>, LiveError> {
    let mut out = Vec::new();
    let mut pages = client.describe_transit_gateways().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(call_error("DescribeTransitGateways", target, attempts))?;
        for g in page.transit_gateways() {
            if matches!(g.state(), Some(TransitGatewayState::Deleted | TransitGatewayState::Deleting)) {
                continue;
            }
            if let Some(id) = g.transit_gateway_id() {
                out.push(Existing { id: id.to_owned(), name: name_tag(g.tags()) });
            }
        }
    }
    Ok(out)
}

async fn endpoints(
    client: &aws_sdk_ec2::Client,
    target: &Target,
    attempts: u32,
) -> Result<Vec<ExistingEndpoint>, LiveError> {
    let mut out = Vec::new();
    let mut pages = client.describe_vpc_endpoints().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(call_error("DescribeVpcEndpoints", target, attempts))?;
        for e in page.vpc_endpoints() {
            if matches!(
                e.state(),
                Some(State::Deleted | State::Deleting | State::Failed | State::Rejected | State::Expired)
            ) {
                continue;
            }
            if let (Some(id), Some(vpc), Some(service)) = (e.vpc_endpoint_id(), e.vpc_id(), e.service_name()) {
                out.push(ExistingEndpoint {
                    id: id.to_owned(),
                    vpc_id: vpc.to_owned(),
                    service_name: service.to_owned(),
                });
            }
        }
    }
    Ok(out)
}
