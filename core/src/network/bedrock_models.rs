//! What `bedrock.models` entries are, and the resources invoking each needs.
//!
//! An entry is a foundation-model ID (`anthropic.claude-3-sonnet-20240229-v1:0`),
//! a cross-Region inference profile ID (`us.anthropic.claude-…`, `eu.…`,
//! `apac.…`, `global.…`), or the ARN of either. Invoking through a profile
//! needs permission on the profile's ARN in the source Region *and* on the
//! foundation model in every Region the profile may route to
//! (<https://docs.aws.amazon.com/bedrock/latest/userguide/cross-region-inference.html>,
//! <https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html>).

/// The Regions each geography's system-defined profiles route to, as AWS's
/// "Supported Regions and models for inference profiles" lists them
/// (<https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html>),
/// read on 2026-12-02. A profile of one model may route to fewer Regions of
/// its geography; the grant covers the geography, never more. `global.`
/// profiles route to every commercial Region, which the policy says with
/// a Region-less foundation-model ARN, as the page's example does.
pub const READ_ON: &str = "2026-12-02";
pub const GEOGRAPHIES: &[(&str, &[&str])] = &[
    ("us", &["us-east-1", "us-east-2", "us-west-1", "us-west-2"]),
    (
        "eu",
        &[
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
        ],
    ),
    (
        "apac",
        &[
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
        ],
    ),
    ("jp", &["ap-northeast-1", "ap-northeast-3"]),
    ("au", &["ap-southeast-2", "ap-southeast-4"]),
    ("ca", &["ca-central-1", "ca-west-1"]),
    ("global", &[]),
];

/// Model providers whose IDs start with their name
/// (<https://docs.aws.amazon.com/bedrock/latest/userguide/models-supported.html>), read on 2026-12-02.
pub const PROVIDERS: &[&str] = &[
    "ai21",
    "amazon",
    "anthropic",
    "cohere",
    "deepseek",
    "google",
    "luma",
    "meta",
    "minimax",
    "mistral",
    "moonshot",
    "nvidia",
    "openai",
    "qwen",
    "stability",
    "twelvelabs",
    "writer",
];

/// A `bedrock.models` entry, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Model {
    /// A foundation model by ID.
    Foundation(String),
    /// A system-defined profile: its geography and the model it serves.
    Profile { id: String, geography: &'static str, model: String },
    /// An ARN, granted as written.
    Arn(String),
}

/// Why an entry cannot be read, with what would fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    pub message: String,
    pub hint: String,
}

pub fn read(entry: &str) -> Result<Model, Unreadable> {
    if entry.starts_with("arn:") {
        return Ok(Model::Arn(entry.to_owned()));
    }
    let Some((first, rest)) = entry.split_once('.') else {
        return Err(unreadable(entry));
    };
    if first == "us-gov" {
        return Err(Unreadable {
            message: format!("`{entry}` is a GovCloud inference profile; Linkplan plans the `aws` partition only"),
            hint: "use a profile of a commercial geography (`us.`, `eu.`, `apac.`, `global.`, …) or a model ID".into(),
        });
    }
    if let Some((geography, _)) = GEOGRAPHIES.iter().find(|(g, _)| *g == first) {
        return match rest.split_once('.') {
            Some((provider, _)) if PROVIDERS.contains(&provider) || provider == "*" => {
                Ok(Model::Profile { id: entry.to_owned(), geography, model: rest.to_owned() })
            }
            _ => Err(unreadable(entry)),
        };
    }
    if PROVIDERS.contains(&first) || first.contains('*') {
        return Ok(Model::Foundation(entry.to_owned()));
    }
    Err(unreadable(entry))
}

fn unreadable(entry: &str) -> Unreadable {
    Unreadable {
        message: format!(
            "`{entry}` is neither a model ID of a known provider nor an inference profile of a known geography (table read on {READ_ON})"
        ),
        hint: format!(
            "write a model ID (`<provider>.<model>`, providers: {}), a profile ID (`<geography>.<provider>.<model>`, geographies: {}), or an ARN",
            PROVIDERS.join(", "),
            GEOGRAPHIES.iter().map(|(g, _)| *g).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// The resources `bedrock:InvokeModel*` of `model` needs when called in
/// `region` from `account`: the first is what the caller names.
pub fn resources(model: &Model, region: &str, account: &str) -> Vec<String> {
    match model {
        Model::Foundation(id) => vec![format!("arn:aws:bedrock:{region}::foundation-model/{id}")],
        Model::Arn(arn) => vec![arn.clone()],
        Model::Profile { id, geography, model } => {
            let mut out = vec![format!("arn:aws:bedrock:{region}:{account}:inference-profile/{id}")];
            match GEOGRAPHIES.iter().find(|(g, _)| g == geography).map(|(_, r)| *r) {
                Some([]) | None => out.push(format!("arn:aws:bedrock:::foundation-model/{model}")),
                Some(regions) => {
                    out.extend(regions.iter().map(|r| format!("arn:aws:bedrock:{r}::foundation-model/{model}")));
                }
            }
            out
        }
    }
}

/// Whether a profile of `geography` can be called from `region` (its source
/// Regions are its destination Regions).
pub fn callable_from(model: &Model, region: &str) -> bool {
    match model {
        Model::Profile { geography, .. } => GEOGRAPHIES
            .iter()
            .find(|(g, _)| g == geography)
            .is_some_and(|(_, regions)| regions.is_empty() || regions.contains(&region)),
        _ => true,
    }
}

/// Each `bedrock.models` entry can be read, and a profile can be called
/// from the ML VPC's Region.
pub fn check(cx: &super::Ctx<'_>, out: &mut Vec<crate::diagnostic::Finding>) {
    use crate::diagnostic::{Finding, Rule};
    let Some(b) = &cx.topo.bedrock else { return };
    let region = cx.vpc(&b.vpc).map(|v| v.region.as_str()).unwrap_or_default();
    for (i, m) in b.models.iter().enumerate() {
        let at = crate::source::Pointer::root().key("bedrock").key("models").index(i);
        match read(m) {
            Err(u) => out.push(Finding::at(Rule::Lp014, &at, u.message).hint(u.hint)),
            Ok(model) if !callable_from(&model, region) => out.push(
                Finding::at(
                    Rule::Lp014,
                    &at,
                    format!("inference profile `{m}` cannot be called from {region}, the ML VPC's region"),
                )
                .hint("use the profile of the ML VPC's geography, or a `global.` profile"),
            ),
            Ok(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_ids_profiles_and_arns_are_told_apart() {
        assert_eq!(
            read("anthropic.claude-3-sonnet-20240229-v1:0"),
            Ok(Model::Foundation("anthropic.claude-3-sonnet-20240229-v1:0".into()))
        );
        let Ok(Model::Profile { geography, model, .. }) = read("us.anthropic.claude-sonnet-4-20250514-v1:0") else {
            panic!("a US profile")
        };
        assert_eq!((geography, model.as_str()), ("us", "anthropic.claude-sonnet-4-20250514-v1:0"));
        assert!(matches!(
            read("arn:aws:bedrock:us-east-1:111111111111:application-inference-profile/abc"),
            Ok(Model::Arn(_))
        ));
        assert!(read("xx.anthropic.claude").is_err());
        assert!(read("claude-3").is_err());
        assert!(read("us-gov.anthropic.claude").is_err());
    }

    #[test]
    fn a_profile_grants_itself_and_the_model_in_every_region_it_routes_to() {
        let m = read("eu.anthropic.claude-3-7-sonnet-20250219-v1:0").unwrap();
        let r = resources(&m, "eu-central-1", "111111111111");
        assert_eq!(
            r[0],
            "arn:aws:bedrock:eu-central-1:111111111111:inference-profile/eu.anthropic.claude-3-7-sonnet-20250219-v1:0"
        );
        assert!(r.contains(
            &"arn:aws:bedrock:eu-west-3::foundation-model/anthropic.claude-3-7-sonnet-20250219-v1:0".to_owned()
        ));
        assert!(!r.iter().any(|x| x.contains(":us-east-1:")));
        assert!(callable_from(&m, "eu-central-1"));
        assert!(!callable_from(&m, "us-east-1"));
        let g = read("global.anthropic.claude-sonnet-4-5-20250929-v1:0").unwrap();
        assert_eq!(
            resources(&g, "us-east-1", "1")[1],
            "arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0"
        );
    }
}
