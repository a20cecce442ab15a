//! idlint: finds misuse of analytics identity calls (Mixpanel `alias`, `identify`, `reset`,
//! `distinct_id`) by analysing whole source trees. See ARCHITECTURE.md for the data flow.

pub mod analysis;
pub mod baseline;
pub mod cache;
pub mod callgraph;
pub mod cli;
pub mod config;
pub mod demand;
pub mod diagnostic;
pub mod discover;
pub mod driver;
pub mod frameworks;
pub mod frontend;
pub mod ir;
pub mod isolate;
pub mod lsp;
pub mod report;
pub mod rules;
pub mod sdk;
pub mod source;
pub mod suppress;
pub mod timing;
