#pragma once

// Whether this test binary runs under AddressSanitizer, which handles SIGSEGV itself and
// reserves terabytes of address space (no useful RLIMIT_AS can be set on its processes).
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#else
inline constexpr bool kAddressSanitizer = false;
#endif
