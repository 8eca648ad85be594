#include <minima/io/onnx_file.hpp>

#include <bit>

#include <minima/core/atomic_file.hpp>
#include <minima/io/protobuf_writer.hpp>

namespace minima {
namespace {
// The messages' field numbers and writers, in a namespace of their own so
// that their short names (graph, node, tensor) meet no other file's.
namespace onnx_proto {

// Field numbers of onnx.proto (onnx 1.12, IR version 8).
namespace model {
constexpr int kIrVersion = 1, kProducerName = 2, kGraph = 7, kOpsetImport = 8;
}
namespace opset {
constexpr int kDomain = 1, kVersion = 2;
}
namespace graph {
constexpr int kNode = 1, kName = 2, kInitializer = 5, kInput = 11, kOutput = 12;
}
namespace node {
constexpr int kInput = 1, kOutput = 2, kName = 3, kOpType = 4, kAttribute = 5;
}
namespace attribute {
constexpr int kName = 1, kF = 2, kI = 3, kInts = 8, kType = 20;
constexpr int kFloat = 1, kInt = 2, kIntList = 7;  // AttributeType
}  // namespace attribute
namespace tensor {
constexpr int kDims = 1, kDataType = 2, kName = 8, kRawData = 9;
constexpr int kFloat = 1;  // DataType
}  // namespace tensor
namespace value_info {
constexpr int kName = 1, kType = 2;
}
constexpr int kTypeTensor = 1;                        // TypeProto.tensor_type
constexpr int kTensorElemType = 1, kTensorShape = 2;  // TypeProto.Tensor
constexpr int kShapeDim = 1;                          // TensorShapeProto.dim
constexpr int kDimValue = 1, kDimParam = 2;           // TensorShapeProto.Dimension
constexpr int64_t kIrVersionOfOpset17 = 8;

ProtobufWriter onnx_attribute(const OnnxAttribute& a) {
  ProtobufWriter out;
  out.bytes_field(attribute::kName, a.name);
  if (const auto* i = std::get_if<int64_t>(&a.value)) {
    out.int64_field(attribute::kI, *i);
    out.varint_field(attribute::kType, attribute::kInt);
  } else if (const auto* f = std::get_if<float>(&a.value)) {
    out.float_field(attribute::kF, *f);
    out.varint_field(attribute::kType, attribute::kFloat);
  } else {
    for (int64_t v : std::get<std::vector<int64_t>>(a.value)) out.int64_field(attribute::kInts, v);
    out.varint_field(attribute::kType, attribute::kIntList);
  }
  return out;
}

ProtobufWriter onnx_node(const OnnxNode& n) {
  ProtobufWriter out;
  for (const std::string& in : n.inputs) out.bytes_field(node::kInput, in);
  for (const std::string& o : n.outputs) out.bytes_field(node::kOutput, o);
  out.bytes_field(node::kName, n.name);
  out.bytes_field(node::kOpType, n.op_type);
  for (const OnnxAttribute& a : n.attributes)
    out.message_field(node::kAttribute, onnx_attribute(a));
  return out;
}

// raw_data: the values as little-endian float32, back to back.
ProtobufWriter onnx_tensor(const OnnxInitializer& t) {
  static_assert(std::endian::native == std::endian::little, "raw_data is little-endian");
  ProtobufWriter out;
  for (int64_t d : t.dims) out.int64_field(tensor::kDims, d);
  out.varint_field(tensor::kDataType, tensor::kFloat);
  out.bytes_field(tensor::kName, t.name);
  out.bytes_field(tensor::kRawData, std::string_view(reinterpret_cast<const char*>(t.values.data()),
                                                     t.values.size() * sizeof(float)));
  return out;
}

// float32 [N, dims...] with N the symbolic dimension "N".
ProtobufWriter onnx_value_info(const OnnxValue& v) {
  ProtobufWriter shape, batch;
  batch.bytes_field(kDimParam, "N");
  shape.message_field(kShapeDim, batch);
  for (int64_t d : v.dims) {
    ProtobufWriter dim;
    dim.int64_field(kDimValue, d);
    shape.message_field(kShapeDim, dim);
  }
  ProtobufWriter tensor_type, type, out;
  tensor_type.varint_field(kTensorElemType, tensor::kFloat);
  tensor_type.message_field(kTensorShape, shape);
  type.message_field(kTypeTensor, tensor_type);
  out.bytes_field(value_info::kName, v.name);
  out.message_field(value_info::kType, type);
  return out;
}

// The bytes of a ModelProto holding `g`.
std::string model_bytes(const OnnxGraph& g) {
  ProtobufWriter graph_proto;
  for (const OnnxNode& n : g.nodes) graph_proto.message_field(graph::kNode, onnx_node(n));
  graph_proto.bytes_field(graph::kName, "minima");
  for (const OnnxInitializer& t : g.initializers)
    graph_proto.message_field(graph::kInitializer, onnx_tensor(t));
  graph_proto.message_field(graph::kInput, onnx_value_info(g.input));
  graph_proto.message_field(graph::kOutput, onnx_value_info(g.output));

  ProtobufWriter opset_import, model_proto;
  opset_import.bytes_field(opset::kDomain, "");  // the default domain, ai.onnx
  opset_import.int64_field(opset::kVersion, OnnxGraph::kOpset);
  model_proto.int64_field(model::kIrVersion, kIrVersionOfOpset17);
  model_proto.bytes_field(model::kProducerName, "minima");
  model_proto.message_field(model::kGraph, graph_proto);
  model_proto.message_field(model::kOpsetImport, opset_import);
  return model_proto.bytes();
}

}  // namespace onnx_proto
}  // namespace

std::string onnx_model_bytes(const OnnxGraph& g) { return onnx_proto::model_bytes(g); }

void write_onnx(const std::string& path, const Graph& graph) {
  write_file_atomically(path, onnx_model_bytes(onnx_graph(graph)));
}

}  // namespace minima
