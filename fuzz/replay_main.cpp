// SPDX-License-Identifier: Apache-2.0
// Replays files through a fuzz target without libFuzzer, so that every
// compiler (g++ included) runs the corpora as ordinary tests:
//
//     json_replay fuzz/corpus/json/ crash-1234
//
// Each argument is a file or a directory, read recursively in sorted order.
// Exits 1 when no input was found (an empty corpus is a test bug); a broken
// invariant aborts, as it does under libFuzzer.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::filesystem::path> inputs_of(const std::filesystem::path& argument) {
  std::vector<std::filesystem::path> files;
  std::error_code failure;
  if (std::filesystem::is_directory(argument, failure)) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(argument)) {
      if (entry.is_regular_file())
        files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
  } else if (std::filesystem::is_regular_file(argument, failure)) {
    files.push_back(argument);
  } else {
    std::fprintf(stderr, "replay: %s is neither a file nor a directory\n", argument.c_str());
  }
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t ran = 0;
  bool missing = false;
  for (int i = 1; i < argc; ++i) {
    const std::vector<std::filesystem::path> files = inputs_of(argv[i]);
    missing = missing || files.empty();
    for (const std::filesystem::path& file : files) {
      std::ifstream stream(file, std::ios::binary);
      const std::vector<char> bytes((std::istreambuf_iterator<char>(stream)),
                                    std::istreambuf_iterator<char>());
      if (stream.bad()) {
        std::fprintf(stderr, "replay: cannot read %s\n", file.c_str());
        return 1;
      }
      // A copy of exactly the input's size, so AddressSanitizer sees any read past its end.
      std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
      std::fprintf(stderr, "replay: %s (%zu bytes)\n", file.c_str(), data.size());
      LLVMFuzzerTestOneInput(data.empty() ? nullptr : data.data(), data.size());
      ++ran;
    }
  }
  std::printf("replay: ran %zu inputs\n", ran);
  if (ran == 0) {
    std::fprintf(stderr, "replay: no input found; give files or non-empty directories\n");
    return 1;
  }
  return missing ? 1 : 0;
}
