//! Helpers of the live tests: moto on 127.0.0.1 with resources seeded in
//! several accounts, and a tiny HTTP stub for failures moto cannot play.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../../tests/common/moto.rs"]
pub mod moto;

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub use moto::Moto;

/// A topology in two accounts and two regions, with a TGW and a hub
/// endpoint; every CIDR in 10.0.0.0/14, away from moto's default VPCs.
pub const TOPOLOGY: &str = r#"apiVersion: linkplan/v1alpha1
name: live-test
accounts:
  net: { id: "111111111111" }
  app: { id: "222222222222" }
vpcs:
  hub:
    account: net
    region: us-east-1
    cidr: 10.0.0.0/16
    azs: [use1-az1, use1-az2]
  app:
    account: app
    region: us-east-1
    cidr: 10.1.0.0/16
    azs: [use1-az1, use1-az2]
  app-west:
    account: app
    region: us-west-2
    cidr: 10.2.0.0/16
    azs: [usw2-az1, usw2-az2]
transit:
  mode: transit-gateway
  owner: net
  attach: [hub, app, app-west]
endpoints:
  - vpc: hub
    services: [sts]
    share: [app]
dns:
  mode: profile
# RAM shares the transit gateway and the Profile inside the organization
organization: { id: o-livetest01 }
"#;

pub use moto::query;

/// The text of the first `<tag>` of an XML body.
pub fn xml_value(body: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let start = body.find(&open).unwrap_or_else(|| panic!("no <{tag}> in {body}")) + open.len();
    let end = body[start..].find("</").unwrap() + start;
    body[start..end].to_owned()
}

/// An access key that moto maps to `account`.
pub fn account_key(moto: &Moto, account: &str) -> String {
    let body = query(
        moto.port,
        "testing",
        "sts",
        "us-east-1",
        &format!("Action=AssumeRole&RoleArn=arn:aws:iam::{account}:role/seed&RoleSessionName=seed"),
    );
    xml_value(&body, "AccessKeyId")
}

/// Creates a VPC in the account of `key`; returns its ID.
pub fn create_vpc(moto: &Moto, key: &str, region: &str, cidr: &str, name: Option<&str>) -> String {
    let mut params = format!("Action=CreateVpc&CidrBlock={cidr}");
    if let Some(n) = name {
        let _ = write!(
            params,
            "&TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value={n}"
        );
    }
    xml_value(&query(moto.port, key, "ec2", region, &params), "vpcId")
}

pub fn add_cidr(moto: &Moto, key: &str, region: &str, vpc: &str, cidr: &str) {
    query(moto.port, key, "ec2", region, &format!("Action=AssociateVpcCidrBlock&VpcId={vpc}&CidrBlock={cidr}"));
}

pub fn create_tgw(moto: &Moto, key: &str, region: &str) -> String {
    xml_value(
        &query(moto.port, key, "ec2", region, "Action=CreateTransitGateway&Description=by-hand"),
        "transitGatewayId",
    )
}

pub fn create_endpoint(moto: &Moto, key: &str, region: &str, vpc: &str, service: &str) -> String {
    xml_value(
        &query(
            moto.port,
            key,
            "ec2",
            region,
            &format!("Action=CreateVpcEndpoint&VpcId={vpc}&ServiceName={service}&VpcEndpointType=Interface"),
        ),
        "vpcEndpointId",
    )
}

/// A loopback HTTP server answering every request with `answer(body)`
/// (status line and body), counting requests; it stops by itself after
/// 120 s or 200 connections.
pub struct Stub {
    pub port: u16,
    pub hits: Arc<AtomicUsize>,
}

impl Stub {
    pub fn start(answer: fn(&str) -> (u16, String)) -> Stub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(120);
            let mut served = 0;
            while Instant::now() < deadline && served < 200 {
                match listener.accept() {
                    Ok((stream, _)) => {
                        served += 1;
                        counter.fetch_add(1, Ordering::SeqCst);
                        let _ = serve(stream, answer);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Stub { port, hits }
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

fn serve(mut stream: TcpStream, answer: fn(&str) -> (u16, String)) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    // headers, then Content-Length bytes of body
    let body = loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let len = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            if body.len() >= len {
                break body.to_owned();
            }
        }
    };
    let (status, text) = answer(&body);
    let reason = if status == 200 { "OK" } else { "Error" };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
    stream.write_all(response.as_bytes())
}

/// STS as the stub: GetCallerIdentity answers, AssumeRole is refused.
pub fn sts_refusing_roles(body: &str) -> (u16, String) {
    if body.contains("Action=GetCallerIdentity") {
        (
            200,
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>\
             <Arn>arn:aws:iam::123456789012:user/tester</Arn><UserId>AIDATESTER</UserId><Account>123456789012</Account>\
             </GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
                .to_owned(),
        )
    } else {
        (
            403,
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>AccessDenied</Code>\
             <Message>User: arn:aws:iam::123456789012:user/tester is not authorized to perform: sts:AssumeRole</Message></Error>\
             <RequestId>2</RequestId></ErrorResponse>"
                .to_owned(),
        )
    }
}

/// EC2 as the stub: every call throttled.
pub fn ec2_throttling(_: &str) -> (u16, String) {
    (
        503,
        "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors>\
         <RequestID>3</RequestID></Response>"
            .to_owned(),
    )
}
