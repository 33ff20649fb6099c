//! `aws help`, `aws ec2 help`, `aws ec2 run-instances help`, `aws ec2 wait help`: short, plain
//! and honest about what ec2lab simulates.

use super::args::Arg;
use super::model::{self, kebab};
use serde_json::Value;

/// Parameters ec2lab parses and hands to the engine, which may not model them (yet).
const PASSED_THROUGH: &[&str] = &[
    "user-data",
    "metadata-options",
    "iam-instance-profile",
    "placement",
    "tenancy",
    "host-id",
    "hibernation-options",
    "cpu-options",
    "credit-specification",
    "capacity-reservation-specification",
    "license-specifications",
    "enclave-options",
    "maintenance-options",
    "instance-market-options",
];

pub fn top() -> String {
    let m = model::model();
    let mut s = String::from(
        "AWS CLI (ec2lab simulation)\n\n\
SYNOPSIS\n  aws [options] <command> <subcommand> [parameters]\n\n\
ec2lab simulates one AWS account in one region (us-east-1). These commands work:\n\n",
    );
    for svc in ["ec2", "ssm"] {
        s.push_str(&format!("  aws {svc} help\n"));
        for (name, _) in m.supported_ops(svc) {
            s.push_str(&format!("      {}\n", kebab(name)));
        }
        if svc == "ec2" {
            s.push_str("      wait\n");
        }
    }
    s.push_str(
        "\nThe other operations of ec2, ssm, iam, sts, logs, cloudwatch, cloudformation and kms are\n\
recognised but not simulated yet: ec2lab tells you so instead of pretending.\n\n\
GLOBAL OPTIONS\n\
  --output json|text|table|yaml   output format (default json, or $AWS_DEFAULT_OUTPUT)\n\
  --query <JMESPath>              filter the output\n\
  --region <region>               only us-east-1 is simulated\n\
  --profile <name>                a profile of ~/.aws/credentials (partner: see lab account)\n\
  --no-cli-pager, --no-paginate, --debug, --endpoint-url   accepted and ignored\n\
  --version                       print the CLI version\n",
    );
    s
}

pub fn service(svc: &str) -> String {
    let m = model::model();
    let mut s = format!("aws {svc}\n\nSUBCOMMANDS SIMULATED BY EC2LAB\n\n");
    for (name, entry) in m.supported_ops(svc) {
        s.push_str(&format!("  {}\n      {}\n", kebab(name), entry.get("d").and_then(Value::as_str).unwrap_or("")));
    }
    if !m.waiters(svc).is_empty() {
        s.push_str("  wait\n      Wait until a condition is met (see: aws ec2 wait help).\n");
    }
    let total = m.op_names(svc).map(|n| n.len()).unwrap_or(0);
    s.push_str(&format!(
        "\nThe real `aws {svc}` has {total} subcommands; the others are recognised but not simulated yet.\n\
Run `aws {svc} <subcommand> help` for a subcommand's options.\n"
    ));
    s
}

pub fn operation(svc: &str, op: &str, doc: &str, table: &[Arg]) -> String {
    let mut s = format!("aws {} {}\n\n{}\n\nOPTIONS\n\n", svc, kebab(op), doc);
    for a in table.iter().filter(|a| !a.hidden) {
        let req = if a.required { "  (required)" } else { "" };
        let passed = if PASSED_THROUGH.contains(&a.cli.as_str()) { "  [accepted; passed to the engine, which may not simulate it yet]" } else { "" };
        s.push_str(&format!("  --{} ({}){}{}\n", a.cli, a.type_label(), req, passed));
        if !a.doc.is_empty() {
            s.push_str(&format!("      {}\n", a.doc));
        }
    }
    s.push_str(
        "\nValues: scalars as-is; lists as separate words or JSON; structures as shorthand\n\
(Key=Name,Value=web) or JSON; any value may be file://path or fileb://path.\n\
Global options (--output, --query, --region, ...) are described in `aws help`.\n",
    );
    s
}

pub fn waiters(svc: &str) -> String {
    let m = model::model();
    let mut s = format!("aws {svc} wait\n\nWait until a condition is met, polling the API (the simulated clock advances between polls).\nSuccess prints nothing.\n\nSUBCOMMANDS\n\n");
    for (name, w) in m.waiters(svc) {
        let op = w.get("o").and_then(Value::as_str).unwrap_or("");
        let delay = w.get("d").and_then(Value::as_u64).unwrap_or(15);
        let max = w.get("m").and_then(Value::as_u64).unwrap_or(40);
        s.push_str(&format!("  {name}\n      Polls {} every {delay} seconds, at most {max} times. Takes the same options as `aws {svc} {}`.\n", kebab(op), kebab(op)));
    }
    s
}
