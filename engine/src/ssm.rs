//! ssm
