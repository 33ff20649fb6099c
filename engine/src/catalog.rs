//! The catalogue: regions, AZs, instance types, AMIs, public parameters.
//! OWNER: catalog helper.
