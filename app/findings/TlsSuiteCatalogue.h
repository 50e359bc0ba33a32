#pragma once

#include "FindingCatalogue.h"

/// Finding ids of what the TLS audit finds among accepted suites, versions below TLS 1.0, DH sizes
/// and groups (TlsSuiteCatalogue.cpp; TlsSuiteFindings decides which apply). tls-weak-cipher
/// (FindingCatalogue.h) keeps what none of these covers.
namespace FindingIds {
inline constexpr QLatin1String TlsSslV2Accepted {"tls-sslv2-accepted"};
inline constexpr QLatin1String TlsSslV3Accepted {"tls-sslv3-accepted"};
inline constexpr QLatin1String TlsCipherNull {"tls-cipher-null"};
inline constexpr QLatin1String TlsCipherAnonymous {"tls-cipher-anonymous"};
inline constexpr QLatin1String TlsCipherExport {"tls-cipher-export"};
inline constexpr QLatin1String TlsCipherRc4 {"tls-cipher-rc4"};
inline constexpr QLatin1String TlsCipherDes {"tls-cipher-des"};
inline constexpr QLatin1String TlsCipher64BitBlock {"tls-cipher-64bit-block"};
inline constexpr QLatin1String TlsCipherCbcLegacyVersion {"tls-cipher-cbc-legacy-version"};
inline constexpr QLatin1String TlsCipherNoForwardSecrecy {"tls-cipher-no-forward-secrecy"};
inline constexpr QLatin1String TlsDhInsecure {"tls-dh-insecure"};
inline constexpr QLatin1String TlsDhWeak {"tls-dh-weak"};
inline constexpr QLatin1String TlsGroupWeak {"tls-group-weak"};
} // namespace FindingIds
