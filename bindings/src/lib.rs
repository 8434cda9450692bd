//! napi-rs bindings of the Linkplan core.
//!
//! A thin shell: converts strings and options in, calls `linkplan_core::run`,
//! converts the outcome out. Diagnostics come back as data (code, severity,
//! message, file, line, column, hint), never as a thrown string; a code frame
//! is rendered on demand (`codeFrame`), so that 10,000 findings cost their
//! data and not 10,000 frames.
//! Every export runs inside `catch_unwind`: a panic in the core becomes a
//! diagnostic instead of aborting the Node process (and the user's
//! `cdk synth`).

use linkplan_core::render::{Renderer, TextStyle};
use linkplan_core::{Diagnostic, Input, Outcome, Text};
use napi_derive::napi;
use std::panic::{AssertUnwindSafe, catch_unwind};

pub use linkplan_core::VERSION;

/// Options of `validate` and `plan`.
#[napi(object)]
#[derive(Clone, Debug, Default)]
pub struct PlanOptions {
    /// The name diagnostics report for the topology (default `topology.yaml`).
    pub file_name: Option<String>,
    /// The lock file's contents, when there is one.
    pub lock: Option<String>,
    /// The name diagnostics report for the lock (default `topology.lock.json`).
    pub lock_file_name: Option<String>,
}

/// How serious a finding is.
#[napi(string_enum = "lowercase")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

impl From<linkplan_core::Severity> for Severity {
    fn from(s: linkplan_core::Severity) -> Self {
        match s {
            linkplan_core::Severity::Error => Severity::Error,
            linkplan_core::Severity::Warning => Severity::Warning,
        }
    }
}

/// A second place a finding refers to ("first defined here").
#[napi(object)]
#[derive(Clone, Debug)]
pub struct RelatedLocation {
    pub message: String,
    pub line: u32,
    pub column: u32,
    /// Byte offset and length in the finding's file.
    pub offset: u32,
    pub length: u32,
}

/// One finding, as data: the core's `Diagnostic` (the shape of
/// `plan validate --format json`); `codeFrame` renders it.
#[napi(object)]
#[derive(Clone, Debug)]
pub struct JsDiagnostic {
    /// The rule code, e.g. `LP022`.
    pub code: String,
    pub severity: Severity,
    /// What was found and what was expected.
    pub message: String,
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    /// Byte offset and length of the offending text in `file`.
    pub offset: u32,
    pub length: u32,
    pub hint: Option<String>,
    /// Other places the finding refers to.
    pub related: Vec<RelatedLocation>,
    /// The JSON pointer of the offending value, when known.
    pub path: Option<String>,
    /// The rule's documentation.
    pub url: String,
}

fn n(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

impl JsDiagnostic {
    /// The one conversion from the core's diagnostic.
    fn new(d: &Diagnostic) -> Self {
        JsDiagnostic {
            code: d.code.clone(),
            severity: d.severity.into(),
            message: d.message.clone(),
            file: d.file.clone(),
            line: n(d.line),
            column: n(d.column),
            end_line: n(d.end_line),
            end_column: n(d.end_column),
            offset: n(d.offset),
            length: n(d.length),
            hint: d.hint.clone(),
            related: d
                .related
                .iter()
                .map(|r| RelatedLocation {
                    message: r.message.clone(),
                    line: n(r.line),
                    column: n(r.column),
                    offset: n(r.offset),
                    length: n(r.length),
                })
                .collect(),
            path: d.path.clone(),
            url: d.url.clone(),
        }
    }

    /// Back to the core's diagnostic, for rendering.
    fn to_core(&self) -> Diagnostic {
        let z = |v: u32| usize::try_from(v).unwrap_or(usize::MAX);
        Diagnostic {
            code: self.code.clone(),
            severity: match self.severity {
                Severity::Error => linkplan_core::Severity::Error,
                Severity::Warning => linkplan_core::Severity::Warning,
            },
            message: self.message.clone(),
            file: self.file.clone(),
            line: z(self.line),
            column: z(self.column),
            end_line: z(self.end_line),
            end_column: z(self.end_column),
            offset: z(self.offset),
            length: z(self.length),
            hint: self.hint.clone(),
            related: self
                .related
                .iter()
                .map(|r| linkplan_core::diagnostic::RelatedLocation {
                    message: r.message.clone(),
                    line: z(r.line),
                    column: z(r.column),
                    offset: z(r.offset),
                    length: z(r.length),
                })
                .collect(),
            path: self.path.clone(),
            url: self.url.clone(),
        }
    }
}

/// Options of `codeFrame`.
#[napi(object)]
#[derive(Clone, Debug, Default)]
pub struct FrameOptions {
    /// Columns to wrap the message at (default 100).
    pub width: Option<u32>,
    /// ANSI colours (default none).
    pub color: Option<bool>,
}

/// A finding rendered as the CLI prints it, with its code frame: `text` is
/// the file the finding is in (the topology's or the lock's text). Costs the
/// lines the frame shows plus one pass over `text`; long lines are clipped.
#[napi]
#[allow(clippy::needless_pass_by_value, reason = "napi hands JS values over as owned values")]
pub fn code_frame(diagnostic: JsDiagnostic, text: String, options: Option<FrameOptions>) -> String {
    let options = options.unwrap_or_default();
    let style = TextStyle {
        color: options.color.unwrap_or(false),
        width: Some(options.width.map_or(100, |w| usize::try_from(w).unwrap_or(100))),
    };
    let d = diagnostic.to_core();
    let rendered =
        catch_unwind(AssertUnwindSafe(|| Renderer::new([(d.file.as_str(), text.as_str())]).render(&d, style)));
    // a frame is a convenience: without one the finding still reads
    rendered.unwrap_or_else(|_| {
        let severity = if d.is_error() { "error" } else { "warning" };
        format!("{severity}[{}]: {} ({}:{}:{})\n", d.code, d.message, d.file, d.line, d.column)
    })
}

/// What `validate` and `plan` return.
#[napi(object)]
#[derive(Clone, Debug)]
pub struct PlanResult {
    /// No diagnostic is an error.
    pub valid: bool,
    /// The plan (`plan` only, when valid) as compact JSON text, the same
    /// document as `plan show --format json`; parse it with `JSON.parse`. Text,
    /// not an object: napi's value conversion is several times slower than
    /// `JSON.parse` and refuses plans of more than a million values
    /// (10,000 VPCs).
    pub plan_json: Option<String>,
    pub diagnostics: Vec<JsDiagnostic>,
    /// The lock file this plan implies, rendered (`plan` only, when valid).
    pub lock: Option<String>,
}

/// Checks a topology; returns every finding. Throws on an unknown option.
#[napi(ts_args_type = "text: string, options?: PlanOptions")]
#[allow(clippy::needless_pass_by_value, reason = "napi hands JS strings over as owned `String`s")]
pub fn validate(text: String, options: Option<serde_json::Value>) -> napi::Result<PlanResult> {
    Ok(guarded(&text, &options_of(options)?, false))
}

/// Checks a topology and returns its plan when it is valid. Throws on an
/// unknown option.
#[napi(ts_args_type = "text: string, options?: PlanOptions")]
#[allow(clippy::needless_pass_by_value, reason = "napi hands JS strings over as owned `String`s")]
pub fn plan(text: String, options: Option<serde_json::Value>) -> napi::Result<PlanResult> {
    fits_in_js(guarded(&text, &options_of(options)?, true), MAX_JS_STRING)
}

/// `PlanOptions` as given, refusing keys it does not have: an option of
/// another name (`lockFile`, the CDK option's) was silently ignored, so no
/// lock was applied.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct GivenOptions {
    file_name: Option<String>,
    lock: Option<String>,
    lock_file_name: Option<String>,
}

const OPTION_KEYS: &str = "fileName, lock, lockFileName";

/// The options object of `validate` and `plan`, checked (public for the
/// `binding` fuzz target of core/fuzz, which calls it without Node). The
/// TypeScript type of `options` is given by `ts_args_type` on `validate` and
/// `plan`, not on the parameter: under the bindings' `noop` feature a
/// `#[napi]` on a parameter is left in place and does not compile.
pub fn options_of(value: Option<serde_json::Value>) -> napi::Result<PlanOptions> {
    let Some(value) = value.filter(|v| !v.is_null()) else { return Ok(PlanOptions::default()) };
    let given: GivenOptions = serde_json::from_value(value).map_err(|e| {
        napi::Error::new(napi::Status::InvalidArg, format!("invalid options: {e}; the options are {OPTION_KEYS}"))
    })?;
    Ok(PlanOptions {
        file_name: given.file_name,
        // an empty lock text is no lock (not a lock of `null`, LP002)
        lock: given.lock.filter(|l| !l.is_empty()),
        lock_file_name: given.lock_file_name,
    })
}

/// The core's version.
#[napi]
pub fn version() -> String {
    VERSION.to_owned()
}

/// Runs the core, turning a panic into an `LP000` diagnostic.
pub fn guarded(text: &str, options: &PlanOptions, with_plan: bool) -> PlanResult {
    let file = options.file_name.clone().unwrap_or_else(|| "topology.yaml".into());
    match catch_unwind(AssertUnwindSafe(|| run(text, options, &file, with_plan))) {
        Ok(result) => result,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let d = Diagnostic::internal_error(&file, &what);
            PlanResult { valid: false, plan_json: None, lock: None, diagnostics: vec![JsDiagnostic::new(&d)] }
        }
    }
}

fn run(text: &str, options: &PlanOptions, file: &str, with_plan: bool) -> PlanResult {
    let lock_file = options.lock_file_name.clone().unwrap_or_else(|| "topology.lock.json".into());
    let outcome: Outcome = linkplan_core::run(&Input {
        topology: Text { file, text },
        lock: options.lock.as_deref().map(|l| Text { file: &lock_file, text: l }),
    });
    let diagnostics = outcome.diagnostics.iter().map(JsDiagnostic::new).collect();
    let (plan, lock) = if with_plan {
        (
            outcome.plan.as_ref().and_then(|p| serde_json::to_string(p).ok()),
            outcome.lock_update(false).map(|l| l.render()),
        )
    } else {
        (None, None)
    };
    PlanResult { valid: outcome.is_valid(), plan_json: plan, diagnostics, lock }
}

/// The longest string V8 makes, in UTF-16 code units: `v8::String::kMaxLength`,
/// 2^29 - 24 on 64-bit platforms, which Node exposes as
/// `buffer.constants.MAX_STRING_LENGTH`
/// (<https://nodejs.org/api/buffer.html#bufferconstantsmax_string_length>).
pub const MAX_JS_STRING: usize = (1 << 29) - 24;

/// Refuses a result whose plan or lock text is longer than one JavaScript
/// string can be, naming the size, instead of napi's "Failed to convert rust
/// String into napi string". A plan that size (about 50 MB of topology) can
/// only be used from the CLI, which writes it to a file.
pub fn fits_in_js(result: PlanResult, limit: usize) -> napi::Result<PlanResult> {
    for (what, text) in [("plan", &result.plan_json), ("lock", &result.lock)] {
        let Some(text) = text else { continue };
        // UTF-16 units are never more than UTF-8 bytes: count only when it may matter
        if text.len() > limit && text.encode_utf16().count() > limit {
            return Err(napi::Error::new(
                napi::Status::GenericFailure,
                format!(
                    "the {what} is {} bytes of JSON, more than the {} characters one JavaScript string holds; \
                     write it with the CLI instead (`plan show FILE --format json > plan.json`, `plan lock FILE`)",
                    text.len(),
                    limit
                ),
            ));
        }
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_come_back_as_data_with_a_code_frame() {
        let r =
            validate("apiVersion: linkplan/v1alpha1\nname: t\naccounts: {}\nvpcs: {}\nfoo: 1\n".into(), None).unwrap();
        assert!(!r.valid);
        assert_eq!(r.diagnostics.len(), 1);
        let d = &r.diagnostics[0];
        assert_eq!((d.code.as_str(), d.line, d.column), ("LP001", 5, 1));
        let frame = code_frame(
            d.clone(),
            "apiVersion: linkplan/v1alpha1\nname: t\naccounts: {}\nvpcs: {}\nfoo: 1\n".into(),
            None,
        );
        assert!(frame.contains("topology.yaml:5:1"), "{frame}");
        assert!(frame.contains("foo: 1"), "{frame}");
    }

    #[test]
    fn a_plan_longer_than_a_js_string_is_refused_with_its_size() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/bedrock-privatelink/topology.yaml"
        ))
        .unwrap();
        let r = guarded(&text, &PlanOptions::default(), true);
        let plan = r.plan_json.clone().unwrap();
        // the limit counts UTF-16 units: the plan's arrows are 3 bytes, one unit
        let (bytes, units) = (plan.len(), plan.encode_utf16().count());
        assert!(units < bytes);
        let Err(e) = fits_in_js(r.clone(), units - 1) else { panic!("a plan past the limit crossed") };
        assert!(e.reason.contains(&format!("the plan is {bytes} bytes of JSON")), "{}", e.reason);
        assert!(e.reason.contains(&format!("more than the {} characters", units - 1)), "{}", e.reason);
        assert!(fits_in_js(r, units).is_ok(), "exactly the limit crosses");
    }

    #[test]
    fn plan_returns_the_plan_and_its_lock() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/bedrock-privatelink/topology.yaml"
        ))
        .unwrap();
        let r = plan(text, Some(serde_json::json!({ "fileName": "t.yaml" }))).unwrap();
        assert!(r.valid);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(r.plan_json.as_ref().unwrap()).unwrap()["vpcs"]["app-use1"]["cidr"],
            "10.10.0.0/16"
        );
        assert!(r.lock.unwrap().contains("\"lockVersion\": 1"));
    }
}
