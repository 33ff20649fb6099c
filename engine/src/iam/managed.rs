//! AWS managed policies: a built-in catalogue with their real names, paths, ids, dates,
//! default versions and documents (as published by IAM; get-policy / get-policy-version).
//! AWS keeps them in its own account, so their ARNs read `arn:aws:iam::aws:policy/PATH+NAME`.

use crate::clock::Time;
use serde_json::Value;

/// One AWS managed policy.
#[derive(Clone, Copy, Debug)]
pub struct AwsManaged {
    pub name: &'static str,
    pub path: &'static str,
    pub id: &'static str,
    pub description: &'static str,
    /// `CreateDate` and `UpdateDate` (the default version's date), ISO.
    pub created: &'static str,
    pub updated: &'static str,
    pub version: &'static str,
    /// The default version's document.
    pub document: &'static str,
}

impl AwsManaged {
    pub fn arn(&self) -> String {
        format!("arn:aws:iam::aws:policy{}{}", self.path, self.name)
    }
    pub fn document(&self) -> Value {
        serde_json::from_str(self.document).unwrap_or(Value::Null)
    }
    pub fn created_time(&self) -> Time {
        Time::parse_iso(self.created).unwrap_or_default()
    }
    pub fn updated_time(&self) -> Time {
        Time::parse_iso(self.updated).unwrap_or_default()
    }
}

/// The catalogue, sorted by name (as ListPolicies returns them).
pub const POLICIES: &[AwsManaged] = &[
    AwsManaged {
        name: "AdministratorAccess",
        path: "/",
        id: "ANPAIWMBCKSKIEE64ZLYK",
        description: "Provides full access to AWS services and resources.",
        created: "2015-02-06T18:39:46Z",
        updated: "2015-02-06T18:39:46Z",
        version: "v1",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    },
    AwsManaged {
        name: "AmazonEC2ReadOnlyAccess",
        path: "/",
        id: "ANPAIGDT4SV4GSETWTBZK",
        description: "Provides read only access to Amazon EC2 via the AWS Management Console.",
        created: "2015-02-06T18:40:17Z",
        updated: "2024-12-27T10:07:06Z",
        version: "v3",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:Describe*","ec2:GetSecurityGroupsForVpc"],"Resource":"*"},{"Effect":"Allow","Action":"elasticloadbalancing:Describe*","Resource":"*"},{"Effect":"Allow","Action":["cloudwatch:ListMetrics","cloudwatch:GetMetricStatistics","cloudwatch:Describe*"],"Resource":"*"},{"Effect":"Allow","Action":"autoscaling:Describe*","Resource":"*"}]}"#,
    },
    AwsManaged {
        name: "AmazonS3ReadOnlyAccess",
        path: "/",
        id: "ANPAIZTJ4DXE7G6AGAE6M",
        description: "Provides read only access to all buckets via the AWS Management Console.",
        created: "2015-02-06T18:40:59Z",
        updated: "2023-08-10T21:31:39Z",
        version: "v3",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}"#,
    },
    AwsManaged {
        name: "AmazonSSMManagedInstanceCore",
        path: "/",
        id: "ANPAIXSHM2BNB2D3AXXRU",
        description: "The policy for Amazon EC2 Role to enable AWS Systems Manager service core functionality.",
        created: "2019-03-15T17:22:12Z",
        updated: "2019-05-23T16:54:21Z",
        version: "v2",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssm:DescribeAssociation","ssm:GetDeployablePatchSnapshotForInstance","ssm:GetDocument","ssm:DescribeDocument","ssm:GetManifest","ssm:GetParameter","ssm:GetParameters","ssm:ListAssociations","ssm:ListInstanceAssociations","ssm:PutInventory","ssm:PutComplianceItems","ssm:PutConfigurePackageResult","ssm:UpdateAssociationStatus","ssm:UpdateInstanceAssociationStatus","ssm:UpdateInstanceInformation"],"Resource":"*"},{"Effect":"Allow","Action":["ssmmessages:CreateControlChannel","ssmmessages:CreateDataChannel","ssmmessages:OpenControlChannel","ssmmessages:OpenDataChannel"],"Resource":"*"},{"Effect":"Allow","Action":["ec2messages:AcknowledgeMessage","ec2messages:DeleteMessage","ec2messages:FailMessage","ec2messages:GetEndpoint","ec2messages:GetMessages","ec2messages:SendReply"],"Resource":"*"}]}"#,
    },
    AwsManaged {
        name: "AmazonSSMReadOnlyAccess",
        path: "/",
        id: "ANPAJODSKQGGJTHRYZ5FC",
        description: "Provides read only access to Amazon SSM.",
        created: "2015-05-29T17:44:19Z",
        updated: "2015-05-29T17:44:19Z",
        version: "v1",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssm:Describe*","ssm:Get*","ssm:List*"],"Resource":"*"}]}"#,
    },
    AwsManaged {
        name: "AWSLambdaBasicExecutionRole",
        path: "/service-role/",
        id: "ANPAJNCQGXC42545SKXIK",
        description: "Provides write permissions to CloudWatch Logs.",
        created: "2015-04-09T15:03:43Z",
        updated: "2015-04-09T15:03:43Z",
        version: "v1",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
    },
    AwsManaged {
        name: "CloudWatchAgentAdminPolicy",
        path: "/",
        id: "ANPAICMXPKT7EBAF6KR3O",
        description: "Full permissions required to use AmazonCloudWatchAgent.",
        created: "2018-03-07T00:52:31Z",
        updated: "2024-02-05T20:59:57Z",
        version: "v2",
        document: r#"{"Version":"2012-10-17","Statement":[{"Sid":"CWACloudWatchPermissions","Effect":"Allow","Action":["cloudwatch:PutMetricData","ec2:DescribeTags","logs:PutLogEvents","logs:PutRetentionPolicy","logs:DescribeLogStreams","logs:DescribeLogGroups","logs:CreateLogStream","logs:CreateLogGroup","xray:PutTraceSegments","xray:PutTelemetryRecords","xray:GetSamplingRules","xray:GetSamplingTargets","xray:GetSamplingStatisticSummaries"],"Resource":"*"},{"Sid":"CWASSMPermissions","Effect":"Allow","Action":["ssm:GetParameter","ssm:PutParameter"],"Resource":"arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*"}]}"#,
    },
    AwsManaged {
        name: "CloudWatchAgentServerPolicy",
        path: "/",
        id: "ANPAIGOPKN7KRDAKTLG4I",
        description: "Permissions required to use AmazonCloudWatchAgent on servers",
        created: "2018-03-07T01:06:44Z",
        updated: "2024-02-06T16:37:37Z",
        version: "v3",
        document: r#"{"Version":"2012-10-17","Statement":[{"Sid":"CWACloudWatchServerPermissions","Effect":"Allow","Action":["cloudwatch:PutMetricData","ec2:DescribeVolumes","ec2:DescribeTags","logs:PutLogEvents","logs:PutRetentionPolicy","logs:DescribeLogStreams","logs:DescribeLogGroups","logs:CreateLogStream","logs:CreateLogGroup","xray:PutTraceSegments","xray:PutTelemetryRecords","xray:GetSamplingRules","xray:GetSamplingTargets","xray:GetSamplingStatisticSummaries"],"Resource":"*"},{"Sid":"CWASSMServerPermissions","Effect":"Allow","Action":["ssm:GetParameter"],"Resource":"arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*"}]}"#,
    },
    // ReadOnlyAccess is one very long statement (hundreds of services, version v132 at the time
    // of writing). This is a faithful SUBSET of its real action patterns: the ones for the
    // services ec2lab simulates or names, exactly as they appear in the real document.
    AwsManaged {
        name: "ReadOnlyAccess",
        path: "/",
        id: "ANPAILL3HVNFSB6DCOWYQ",
        description: "Provides read-only access to AWS services and resources.",
        created: "2015-02-06T18:39:48Z",
        updated: "2025-09-02T21:49:07Z",
        version: "v132",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["autoscaling:Describe*","cloudwatch:Describe*","cloudwatch:Get*","cloudwatch:List*","ec2:Describe*","ec2:Get*","elasticloadbalancing:Describe*","iam:Generate*","iam:Get*","iam:List*","kms:Describe*","kms:Get*","kms:List*","logs:Describe*","logs:Get*","s3:Get*","s3:List*","ssm:Describe*","ssm:Get*","ssm:List*"],"Resource":"*"}]}"#,
    },
];

/// An AWS managed policy by ARN.
pub fn by_arn(arn: &str) -> Option<&'static AwsManaged> {
    let rest = arn.strip_prefix("arn:aws:iam::aws:policy")?;
    POLICIES.iter().find(|p| rest.strip_prefix(p.path) == Some(p.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::policy::{validate, Kind};

    #[test]
    fn every_document_is_valid_and_arns_carry_paths() {
        for p in POLICIES {
            assert!(validate(p.document, Kind::Identity).is_ok(), "{}", p.name);
            assert!(p.id.starts_with("ANPA") && p.id.len() == 21, "{}", p.id);
            assert!(p.created_time().0 > 0 && p.updated_time() >= p.created_time(), "{}", p.name);
            assert_eq!(by_arn(&p.arn()).map(|x| x.name), Some(p.name));
        }
        assert_eq!(by_arn("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole").map(|p| p.id), Some("ANPAJNCQGXC42545SKXIK"));
        assert!(by_arn("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole").is_none());
        assert!(by_arn("arn:aws:iam::aws:policy/NoSuchPolicy").is_none());
    }
}
