mod engine;
mod props;
mod synth;
