// SPDX-License-Identifier: Apache-2.0
#include "qlower/targets/ethos_u55.hpp"

#include <catch2/catch.hpp>

#include "qlower/ops/op_table.hpp"

namespace {

using namespace qlower;

std::string dtypes_of(std::string_view op) {
  const auto& entry = targets::dtype_table<targets::ethos_u55>[ops::find_op(op)];
  return entry ? entry->to_string() : "unrestricted";
}

TEST_CASE("the U55 dtype table of ethos-u55.md 2.2, answered for aliases and variants too",
          "[targets][ethos_u55]") {
  for (const char* op :
       {"aten.permute.default", "aten.permute_copy.default", "aten.cat.default",
        "aten.concat.default", "aten.view.default", "aten.view_copy.default",
        "aten.expand_copy.default", "aten.repeat.default", "aten.constant_pad_nd.default"}) {
    CAPTURE(op);
    CHECK(dtypes_of(op) == "int8, int16, int32");
  }
  for (const char* op : {"aten.sigmoid.default", "aten.tanh.default", "aten.gelu.default",
                         "aten.amax.default", "aten.convolution.default"}) {
    CAPTURE(op);
    CHECK(dtypes_of(op) == "int8, int16");
  }
  CHECK(dtypes_of("aten.mm.default") == "int8");
  CHECK(dtypes_of("aten.add.Tensor") == "unrestricted");
}

}  // namespace
