// SPDX-License-Identifier: Apache-2.0
#pragma once

/// The inline namespace that holds every function a kernel runs.
///
/// Rationale: qlower::kernels compiles the same kernel headers once per
/// instruction set. An inline function or template instance that two of those
/// translation units share (say a scalar tail compiled once with -mavx512f
/// and once for SSE2) is one weak symbol, and the linker keeps either copy;
/// the AVX-512 one would then run on a machine without AVX-512. Each
/// translation unit of qlower::kernels defines QLOWER_KERNEL_NAMESPACE as its
/// own name, so no kernel symbol is shared; a consumer's own translation
/// units use `native`. Kernel code calls nothing from std:: and no inline
/// non-template function outside this namespace, for the same reason.
#ifndef QLOWER_KERNEL_NAMESPACE
#define QLOWER_KERNEL_NAMESPACE native
#endif
