mod cli;
mod engine;
mod fleet;
mod ingest;
mod props;
mod replay;
mod strategy;
mod synth;
