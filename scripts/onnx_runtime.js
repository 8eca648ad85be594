// Runs an ONNX model in ONNX Runtime (npm's onnxruntime-node) for
// scripts/onnx_check.py: reads a float32 input (raw little-endian, shape
// given as a comma list), writes the first output's float32 values.
//   node scripts/onnx_runtime.js NODE_MODULES MODEL INPUT.bin DIMS OUTPUT.bin
const fs = require("fs");
const path = require("path");

async function main() {
  const [modules, model, inputPath, dims, outputPath] = process.argv.slice(2);
  const ort = require(path.join(modules, "onnxruntime-node"));
  const session = await ort.InferenceSession.create(model);
  const raw = fs.readFileSync(inputPath);
  const data = new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4);
  const input = new ort.Tensor("float32", data, dims.split(",").map(Number));
  const results = await session.run({ [session.inputNames[0]]: input });
  const out = results[session.outputNames[0]].data;
  fs.writeFileSync(outputPath, Buffer.from(out.buffer, out.byteOffset, out.byteLength));
  console.log(`onnxruntime ${ort.env.versions.node}: ${session.inputNames} -> ${session.outputNames}`);
}

main().catch((e) => {
  console.error(`onnx_runtime.js: ${e.message}`);
  process.exit(1);
});
