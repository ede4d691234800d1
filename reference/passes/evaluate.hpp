// SPDX-License-Identifier: Apache-2.0
#pragma once

// A naive float interpreter for the ops the decompositions make, so that a test can run a graph
// before and after a rewrite (or against a formula written out here) and compare values. Ops are
// matched by name and computed from ATen's definitions with scalar loops over multi-indices, in
// double; nothing is taken from include/qlower/passes, which is what it checks.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "qlower/graph/plain_graph.hpp"

namespace qlower::reference {

/// A dense tensor in row-major order, in double.
struct dense {
  std::vector<std::int64_t> dims;
  std::vector<double> values;
};

namespace detail::evaluate {

inline std::int64_t element_count(const std::vector<std::int64_t>& dims) {
  std::int64_t count = 1;
  for (std::int64_t d : dims)
    count *= d;
  return count;
}

/// The row-major strides of `dims`.
inline std::vector<std::int64_t> strides(const std::vector<std::int64_t>& dims) {
  std::vector<std::int64_t> result(dims.size(), 1);
  for (std::size_t i = dims.size(); i-- > 1;)
    result[i - 1] = result[i] * dims[i];
  return result;
}

/// The multi-index of flat position `flat` in `dims`.
inline std::vector<std::int64_t> unflatten(std::int64_t flat,
                                           const std::vector<std::int64_t>& dims) {
  std::vector<std::int64_t> index(dims.size(), 0);
  for (std::size_t i = dims.size(); i-- > 0;) {
    index[i] = flat % dims[i];
    flat /= dims[i];
  }
  return index;
}

inline std::int64_t flatten(const std::vector<std::int64_t>& index,
                            const std::vector<std::int64_t>& dims) {
  std::int64_t flat = 0;
  for (std::size_t i = 0; i < dims.size(); ++i)
    flat = flat * dims[i] + index[i];
  return flat;
}

/// NumPy broadcasting of two operands.
inline dense broadcast(const dense& a, const dense& b,
                       const std::function<double(double, double)>& f,
                       const std::vector<std::int64_t>& out_dims) {
  dense out{out_dims, std::vector<double>(static_cast<std::size_t>(element_count(out_dims)))};
  auto pick = [&](const dense& t, const std::vector<std::int64_t>& index) {
    std::vector<std::int64_t> own(t.dims.size());
    const std::size_t offset = index.size() - t.dims.size();
    for (std::size_t i = 0; i < t.dims.size(); ++i)
      own[i] = t.dims[i] == 1 ? 0 : index[offset + i];
    return t.values[static_cast<std::size_t>(flatten(own, t.dims))];
  };
  for (std::int64_t flat = 0; flat < element_count(out_dims); ++flat) {
    const auto index = unflatten(flat, out_dims);
    out.values[static_cast<std::size_t>(flat)] = f(pick(a, index), pick(b, index));
  }
  return out;
}

/// Reduces axis `axis` of `x` with `f` from `start`, keeping the axis as 1.
inline dense reduce(const dense& x, std::int64_t axis, double start,
                    const std::function<double(double, double)>& f) {
  std::vector<std::int64_t> dims = x.dims;
  dims[static_cast<std::size_t>(axis)] = 1;
  dense out{dims, std::vector<double>(static_cast<std::size_t>(element_count(dims)), start)};
  for (std::int64_t flat = 0; flat < element_count(x.dims); ++flat) {
    auto index = unflatten(flat, x.dims);
    index[static_cast<std::size_t>(axis)] = 0;
    double& slot = out.values[static_cast<std::size_t>(flatten(index, dims))];
    slot = f(slot, x.values[static_cast<std::size_t>(flat)]);
  }
  return out;
}

inline std::vector<std::int64_t> int_list(const graph::node& n, const std::string& name) {
  const auto found = n.attrs.find(name);
  if (found == n.attrs.end())
    throw std::invalid_argument("node '" + n.id + "' has no attribute '" + name + "'");
  if (const auto* one = found->second.as_int())
    return {*one};
  const auto list = found->second.as_int_list();
  if (!list)
    throw std::invalid_argument("node '" + n.id + "': '" + name + "' is no int list");
  return *list;
}

inline std::int64_t axis_of(const graph::node& n, const std::string& name, std::size_t rank) {
  const auto list = int_list(n, name);
  if (list.size() != 1)
    throw std::invalid_argument("node '" + n.id + "': only one axis is modelled");
  return list[0] < 0 ? list[0] + static_cast<std::int64_t>(rank) : list[0];
}

}  // namespace detail::evaluate

/// The value of every graph output of `g`, given the values of its input
/// nodes by id; constants come from their data. Throws std::invalid_argument
/// for an op the model does not cover.
inline std::vector<dense> evaluate(const graph::plain_graph& g,
                                   const std::map<std::string, dense>& inputs) {
  using namespace detail::evaluate;
  std::vector<dense> value(g.node_count());
  for (graph::node_index n = 0; n < g.node_count(); ++n) {
    const graph::node& node = g[n];
    const auto declared = node.outputs.front().dims.dims();
    const std::vector<std::int64_t> out_dims(declared.begin(), declared.end());
    auto in = [&](std::size_t k) -> const dense& { return value[node.inputs.at(k)]; };
    const std::string& op = node.op;
    dense result;
    if (op == "input") {
      result = inputs.at(node.id);
    } else if (op == "const") {
      result = {out_dims, std::get<std::vector<double>>(node.data)};
    } else if (op == "getitem") {
      result = in(0);
    } else if (op == "aten.add.Tensor" || op == "aten.sub.Tensor" || op == "aten.mul.Tensor") {
      const std::function<double(double, double)> f =
          op == "aten.add.Tensor"   ? std::function<double(double, double)>(std::plus<>())
          : op == "aten.sub.Tensor" ? std::function<double(double, double)>(std::minus<>())
                                    : std::function<double(double, double)>(std::multiplies<>());
      result = broadcast(in(0), in(1), f, out_dims);
    } else if (op == "aten.exp.default" || op == "aten.reciprocal.default" ||
               op == "aten.rsqrt.default") {
      result = in(0);
      for (double& v : result.values)
        v = op == "aten.exp.default"          ? std::exp(v)
            : op == "aten.reciprocal.default" ? 1.0 / v
                                              : 1.0 / std::sqrt(v);
    } else if (op == "aten.pow.Tensor_Scalar") {
      const auto exponent = node.attrs.at("exponent").as_number();
      if (!exponent)
        throw std::invalid_argument("node '" + node.id + "': exponent is no number");
      result = in(0);
      for (double& v : result.values)
        v = std::pow(v, *exponent);
    } else if (op == "aten.amax.default") {
      result = reduce(in(0), axis_of(node, "dim", in(0).dims.size()), -INFINITY,
                      [](double a, double b) { return std::max(a, b); });
    } else if (op == "aten.sum.dim_IntList" || op == "aten.mean.dim") {
      const std::int64_t axis = axis_of(node, "dim", in(0).dims.size());
      result = reduce(in(0), axis, 0.0, std::plus<>());
      if (op == "aten.mean.dim") {
        for (double& v : result.values)
          v /= static_cast<double>(in(0).dims[static_cast<std::size_t>(axis)]);
      }
    } else if (op == "aten.view.default") {
      result = {out_dims, in(0).values};
    } else if (op == "aten.permute.default") {
      const auto order = int_list(node, "dims");
      const dense& x = in(0);
      result = {out_dims, std::vector<double>(x.values.size())};
      for (std::int64_t flat = 0; flat < element_count(out_dims); ++flat) {
        const auto index = unflatten(flat, out_dims);
        std::vector<std::int64_t> source(index.size());
        for (std::size_t i = 0; i < order.size(); ++i)
          source[static_cast<std::size_t>(order[i])] = index[i];
        result.values[static_cast<std::size_t>(flat)] =
            x.values[static_cast<std::size_t>(flatten(source, x.dims))];
      }
    } else if (op == "aten.slice.Tensor") {
      const dense& x = in(0);
      const std::int64_t axis = axis_of(node, "dim", x.dims.size());
      const std::int64_t start = int_list(node, "start").at(0);
      const std::int64_t step = int_list(node, "step").at(0);
      result = {out_dims, std::vector<double>(static_cast<std::size_t>(element_count(out_dims)))};
      for (std::int64_t flat = 0; flat < element_count(out_dims); ++flat) {
        auto index = unflatten(flat, out_dims);
        index[static_cast<std::size_t>(axis)] =
            start + index[static_cast<std::size_t>(axis)] * step;
        result.values[static_cast<std::size_t>(flat)] =
            x.values[static_cast<std::size_t>(flatten(index, x.dims))];
      }
    } else if (op == "aten.bmm.default") {
      const dense& a = in(0);
      const dense& b = in(1);
      const std::int64_t batch = a.dims[0], rows = a.dims[1], inner = a.dims[2], cols = b.dims[2];
      result = {out_dims, std::vector<double>(static_cast<std::size_t>(batch * rows * cols), 0.0)};
      for (std::int64_t i = 0; i < batch; ++i)
        for (std::int64_t r = 0; r < rows; ++r)
          for (std::int64_t c = 0; c < cols; ++c) {
            double sum = 0.0;
            for (std::int64_t k = 0; k < inner; ++k)
              sum += a.values[static_cast<std::size_t>((i * rows + r) * inner + k)] *
                     b.values[static_cast<std::size_t>((i * inner + k) * cols + c)];
            result.values[static_cast<std::size_t>((i * rows + r) * cols + c)] = sum;
          }
    } else if (op == "aten.linear.default") {
      // y[..., o] = sum_i x[..., i] * w[o, i] + b[o]
      const dense& x = in(0);
      const dense& w = value[node.inputs.at(1)];
      const std::int64_t features = x.dims.back(), outs = w.dims[0];
      const std::int64_t rows = element_count(x.dims) / features;
      const bool has_bias = node.inputs.size() > 2 && node.inputs[2] != graph::no_node;
      result = {out_dims, std::vector<double>(static_cast<std::size_t>(rows * outs))};
      for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t o = 0; o < outs; ++o) {
          double sum = has_bias ? in(2).values[static_cast<std::size_t>(o)] : 0.0;
          for (std::int64_t i = 0; i < features; ++i)
            sum += x.values[static_cast<std::size_t>(r * features + i)] *
                   w.values[static_cast<std::size_t>(o * features + i)];
          result.values[static_cast<std::size_t>(r * outs + o)] = sum;
        }
    } else {
      throw std::invalid_argument("reference::evaluate does not model '" + op + "' (node '" +
                                  node.id + "')");
    }
    if (element_count(result.dims) != element_count(out_dims) ||
        result.values.size() != static_cast<std::size_t>(element_count(out_dims))) {
      throw std::invalid_argument("node '" + node.id + "': the value does not fit its shape");
    }
    result.dims = out_dims;
    value[n] = std::move(result);
  }
  std::vector<dense> outputs;
  for (graph::node_index output : g.graph_outputs())
    outputs.push_back(value[output]);
  return outputs;
}

/// Softmax along the last axis, as its formula: exp(x_i) / sum_j exp(x_j).
inline dense softmax_last_axis(dense x) {
  const std::int64_t width = x.dims.back();
  for (std::size_t row = 0; row < x.values.size(); row += static_cast<std::size_t>(width)) {
    double total = 0.0;
    for (std::int64_t j = 0; j < width; ++j)
      total += std::exp(x.values[row + static_cast<std::size_t>(j)]);
    for (std::int64_t j = 0; j < width; ++j)
      x.values[row + static_cast<std::size_t>(j)] =
          std::exp(x.values[row + static_cast<std::size_t>(j)]) / total;
  }
  return x;
}

/// nn.MultiheadAttention's self-attention on x [B, L, E] with `heads` heads,
/// written from its definition: per head h, Q_h = x W_q,h^T + b_q,h (and K_h,
/// V_h from the next two thirds of the packed projection), the head's output
/// softmax(Q_h K_h^T / sqrt(D)) V_h in columns h*D.., then the out projection.
inline dense self_attention(const dense& x, const dense& qkv_weight, const dense& qkv_bias,
                            const dense& out_weight, const dense& out_bias, std::int64_t heads) {
  const std::int64_t batch = x.dims[0], length = x.dims[1], embed = x.dims[2];
  const std::int64_t head_dim = embed / heads;
  auto at = [](const dense& t, std::int64_t i) { return t.values[static_cast<std::size_t>(i)]; };
  auto project = [&](std::int64_t b, std::int64_t l, std::int64_t row) {
    double sum = at(qkv_bias, row);
    for (std::int64_t i = 0; i < embed; ++i)
      sum += at(x, (b * length + l) * embed + i) * at(qkv_weight, row * embed + i);
    return sum;
  };
  std::vector<double> joined(static_cast<std::size_t>(batch * length * embed), 0.0);
  for (std::int64_t b = 0; b < batch; ++b)
    for (std::int64_t h = 0; h < heads; ++h)
      for (std::int64_t l = 0; l < length; ++l) {
        dense scores{{1, length}, std::vector<double>(static_cast<std::size_t>(length))};
        for (std::int64_t m = 0; m < length; ++m) {
          double dot = 0.0;
          for (std::int64_t d = 0; d < head_dim; ++d)
            dot += project(b, l, h * head_dim + d) * project(b, m, embed + h * head_dim + d);
          scores.values[static_cast<std::size_t>(m)] = dot / std::sqrt(double(head_dim));
        }
        const dense weights = softmax_last_axis(scores);
        for (std::int64_t d = 0; d < head_dim; ++d) {
          double sum = 0.0;
          for (std::int64_t m = 0; m < length; ++m)
            sum += at(weights, m) * project(b, m, 2 * embed + h * head_dim + d);
          joined[static_cast<std::size_t>((b * length + l) * embed + h * head_dim + d)] = sum;
        }
      }
  dense y{x.dims, std::vector<double>(joined.size())};
  for (std::int64_t r = 0; r < batch * length; ++r)
    for (std::int64_t o = 0; o < embed; ++o) {
      double sum = at(out_bias, o);
      for (std::int64_t i = 0; i < embed; ++i)
        sum += joined[static_cast<std::size_t>(r * embed + i)] * at(out_weight, o * embed + i);
      y.values[static_cast<std::size_t>(r * embed + o)] = sum;
    }
  return y;
}

}  // namespace qlower::reference
