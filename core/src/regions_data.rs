//! AWS commercial regions and their Availability Zone IDs.
//!
//! Source (read 2026-11):
//! - Region list: the `aws` partition of botocore's endpoints.json
//!   (github.com/boto/botocore, `botocore/data/endpoints.json`, commit 0e6e2404, 2026-08-07).
//!   It has 34 regions. `partitions.json` in the same commit lists the same set, plus the
//!   pseudo-region `aws-global`, which is left out here.
//! - AZ IDs: AWS docs, "AWS Availability Zones" (the AZ ID table)
//!   <https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html>
//!   and the companion page "AZ IDs"
//!   <https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html>.
//! - Cross-check: AWS docs, EMR Serverless "Endpoints and quotas", whose endpoint table lists
//!   the usable AZ IDs per region
//!   <https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/endpoints-quotas.html>.
//! - Cross-check: a datacenter map built from one account's describe-availability-zones output,
//!   in github.com/networknext/next: `terraform/{dev,prod}/relays/amazon/generated.tf` and
//!   `terraform/amazon.tfvars`.
//! - Cross-check for the regions with unusual AZ sets: getmoto/moto
//!   `moto/ec2/models/availability_zones_and_regions.py` (commit 0af643a5, 2026-08-22).
//! - euw2-az4: the newer revision of the AWS AZ table, and an AWS Health event on 2026-08-19
//!   that calls it "a newly launched Availability Zone (euw2-az4) in the EU-WEST-2 Region".
//!
//! Each list holds the AZ IDs that a new account gets. Some AZ IDs that exist are left out:
//! - usw1-az2: the AWS table lists it, but its footnote says "Newer accounts can access two
//!   Availability Zones in US West (N. California)". Those two are usw1-az1 and usw1-az3
//!   (networknext, moto and EMR Serverless agree).
//! - apne1-az3: the AWS table lists it, but it is constrained and new accounts do not get it.
//!   networknext, moto and EMR Serverless all give apne1-az1, apne1-az2 and apne1-az4.
//! - cac1-az3: retired. The AWS table lists only cac1-az1, cac1-az2 and cac1-az4.
//!
//! Notes on uncertain points:
//! - use1-az3 is included, as the AWS table and networknext have it. It is constrained, and
//!   some services leave it out (EMR Serverless, for one).
//! - The AWS table lists a us-east-1 AZ in Maryland as "Coming in 2026". No AZ ID for it
//!   could be found, so it is not included.
//! - euw2-az4 is new (2026). Older copies of the AWS table and the EMR Serverless table do not
//!   list it yet.
//! - me-south-1: the EMR Serverless table gives no AZ list for it. The AWS table and
//!   networknext agree on mes1-az1..az3.

/// (region code, AZ IDs in order)
pub const REGIONS: &[(&str, &[&str])] = &[
    ("af-south-1", &["afs1-az1", "afs1-az2", "afs1-az3"]),
    ("ap-east-1", &["ape1-az1", "ape1-az2", "ape1-az3"]),
    ("ap-east-2", &["ape2-az1", "ape2-az2", "ape2-az3"]),
    ("ap-northeast-1", &["apne1-az1", "apne1-az2", "apne1-az4"]),
    ("ap-northeast-2", &["apne2-az1", "apne2-az2", "apne2-az3", "apne2-az4"]),
    ("ap-northeast-3", &["apne3-az1", "apne3-az2", "apne3-az3"]),
    ("ap-south-1", &["aps1-az1", "aps1-az2", "aps1-az3"]),
    ("ap-south-2", &["aps2-az1", "aps2-az2", "aps2-az3"]),
    ("ap-southeast-1", &["apse1-az1", "apse1-az2", "apse1-az3"]),
    ("ap-southeast-2", &["apse2-az1", "apse2-az2", "apse2-az3"]),
    ("ap-southeast-3", &["apse3-az1", "apse3-az2", "apse3-az3"]),
    ("ap-southeast-4", &["apse4-az1", "apse4-az2", "apse4-az3"]),
    ("ap-southeast-5", &["apse5-az1", "apse5-az2", "apse5-az3"]),
    ("ap-southeast-6", &["apse6-az1", "apse6-az2", "apse6-az3"]),
    ("ap-southeast-7", &["apse7-az1", "apse7-az2", "apse7-az3"]),
    ("ca-central-1", &["cac1-az1", "cac1-az2", "cac1-az4"]),
    ("ca-west-1", &["caw1-az1", "caw1-az2", "caw1-az3"]),
    ("eu-central-1", &["euc1-az1", "euc1-az2", "euc1-az3"]),
    ("eu-central-2", &["euc2-az1", "euc2-az2", "euc2-az3"]),
    ("eu-north-1", &["eun1-az1", "eun1-az2", "eun1-az3"]),
    ("eu-south-1", &["eus1-az1", "eus1-az2", "eus1-az3"]),
    ("eu-south-2", &["eus2-az1", "eus2-az2", "eus2-az3"]),
    ("eu-west-1", &["euw1-az1", "euw1-az2", "euw1-az3"]),
    ("eu-west-2", &["euw2-az1", "euw2-az2", "euw2-az3", "euw2-az4"]), // euw2-az4 launched 2026
    ("eu-west-3", &["euw3-az1", "euw3-az2", "euw3-az3"]),
    ("il-central-1", &["ilc1-az1", "ilc1-az2", "ilc1-az3"]),
    ("me-central-1", &["mec1-az1", "mec1-az2", "mec1-az3"]),
    ("me-south-1", &["mes1-az1", "mes1-az2", "mes1-az3"]),
    ("mx-central-1", &["mxc1-az1", "mxc1-az2", "mxc1-az3"]),
    ("sa-east-1", &["sae1-az1", "sae1-az2", "sae1-az3"]),
    ("us-east-1", &["use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"]),
    ("us-east-2", &["use2-az1", "use2-az2", "use2-az3"]),
    ("us-west-1", &["usw1-az1", "usw1-az3"]),
    ("us-west-2", &["usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"]),
];
