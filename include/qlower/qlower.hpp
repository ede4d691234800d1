// SPDX-License-Identifier: Apache-2.0
#pragma once

/// The whole of qlower; each header it includes also stands on its own.

#include "qlower/core/dtype.hpp"
#include "qlower/core/error.hpp"
#include "qlower/core/shape.hpp"
#include "qlower/graph/attribute.hpp"
#include "qlower/graph/attribute_schema.hpp"
#include "qlower/graph/concept.hpp"
#include "qlower/graph/io/json.hpp"
#include "qlower/graph/plain_graph.hpp"
#include "qlower/graph/summary.hpp"
