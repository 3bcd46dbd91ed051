/**
 * The engine ABI's names (wasm-engines/ABI.md): the vDSO functions an engine may import and the
 * exports the host looks for, for code that builds, checks or drives engines.
 */
package dev.hermetic.host.abi;
