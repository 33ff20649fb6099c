//! Tests of the package managers, services and web serving, driven through the console.
