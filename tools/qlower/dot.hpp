// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "partition_command.hpp"

namespace qlower::tool {

/// The partitioned graph in Graphviz's DOT language: one cluster and fill
/// colour per delegate, host nodes outlined in red with their rejection,
/// graph inputs and constants as grey ellipses, and on Vulkan every layout
/// transition as a node of its own between its source and its readers.
std::string to_dot(const partition_result& result);

/// Writes `text` to `path`; a qlower::error names the path when it cannot.
void write_text_file(const std::string& path, const std::string& text);

/// Renders DOT text to an SVG file with Graphviz's `dot` (found on PATH).
/// Throws qlower::error when `dot` is not installed or fails.
void render_svg(const std::string& dot, const std::string& svg_path);

}  // namespace qlower::tool
