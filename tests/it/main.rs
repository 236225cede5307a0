mod engine;
mod props;
