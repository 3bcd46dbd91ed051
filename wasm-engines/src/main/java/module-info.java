/** The packaged engines: committed {@code .wasm} files found by name. */
module dev.hermetic.engines {
    exports dev.hermetic.engines;
}
