//! A bin whose main is the smoke command line, without a setup function.

use smoke_sample as _;

smoke_runtime::main!();
