//! The AWS CLI v2 front end. OWNER: aws-cli helper.
