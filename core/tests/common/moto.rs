//! A moto server on 127.0.0.1 for tests of AWS API behaviour.
//!
//! The binary comes from `LINKPLAN_MOTO_SERVER`, else `moto_server` on the
//! PATH. `test/all.sh` installs moto in a venv and sets
//! `LINKPLAN_REQUIRE_MOTO=1`: there, a missing moto fails the test instead
//! of skipping it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    /// Starts moto on a free loopback port; `None` (with a notice) when moto
    /// is not installed and not required.
    pub fn start() -> Option<Moto> {
        let bin = std::env::var("LINKPLAN_MOTO_SERVER").unwrap_or_else(|_| "moto_server".to_owned());
        let port = TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match child {
            Ok(c) => c,
            Err(e) => {
                assert!(
                    std::env::var("LINKPLAN_REQUIRE_MOTO").is_err(),
                    "moto is required here but `{bin}` did not start: {e}"
                );
                eprintln!("SKIPPED: `{bin}` is not available ({e}); run the tests through test/all.sh");
                return None;
            }
        };
        let moto = Moto { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "moto did not listen on 127.0.0.1:{port} within 30 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(moto)
    }

    /// POSTs an EC2 Query API call and returns the XML body.
    pub fn ec2(&self, region: &str, params: &str) -> String {
        query(self.port, "testing", "ec2", region, params)
    }
}

/// Sends one signed-looking Query API request as `key` (moto maps access
/// keys from its AssumeRole to the role's account) and returns the body.
pub fn query(port: u16, key: &str, service: &str, region: &str, params: &str) -> String {
    let version = if service == "sts" { "2011-06-15" } else { "2016-11-15" };
    let body = format!("{params}&Version={version}");
    let request = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential={key}/20261122/{region}/{service}/aws4_request, SignedHeaders=host, Signature=0\r\n\
         Content-Length: {len}\r\nConnection: close\r\n\r\n{body}",
        len = body.len()
    );
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    s.read_to_end(&mut response).unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    assert!(head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200"), "moto answered {head}\n{body}");
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") { dechunk(body) } else { body.to_owned() }
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&tail[..n]);
        rest = tail[n..].trim_start_matches("\r\n");
    }
    out
}
