#pragma once
// An ONNX model file (https://onnx.ai/onnx/repo-docs/IR.html) of a graph's
// inference computation (nn/onnx_graph.hpp), written with the protobuf wire
// format by hand (io/protobuf_writer.hpp). Only the messages a model of
// float32 weights needs: ModelProto, OperatorSetIdProto, GraphProto,
// NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto,
// TensorShapeProto; why not libprotobuf: docs/interop.md.
#include <string>

#include <minima/nn/onnx_graph.hpp>

namespace minima {

// The bytes of an ONNX ModelProto (IR version 8, opset 17) holding `graph`.
std::string onnx_model_bytes(const OnnxGraph& graph);

// Writes onnx_model_bytes(onnx_graph(graph)) to `path` atomically.
void write_onnx(const std::string& path, const Graph& graph);

}  // namespace minima
