#include "SuiteRating.h"

#include "ClientHello.h"

#include <algorithm>
#include <cstring>
#include <QCoreApplication>
#include <QHash>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("SuiteRating", text); }

/// The curves RFC 8422 s.5.1.1 deprecates (code points 1-22, from RFC 4492 s.5.1.1) with their
/// size in bits; under 256 bits they give less than 128-bit strength.
struct DeprecatedCurve
{
    quint16 code;
    const char* name;
    int bits;
};
constexpr DeprecatedCurve kDeprecatedCurves[] = {
    {1, "sect163k1", 163},  {2, "sect163r1", 163},  {3, "sect163r2", 163},  {4, "sect193r1", 193},
    {5, "sect193r2", 193},  {6, "sect233k1", 233},  {7, "sect233r1", 233},  {8, "sect239k1", 239},
    {9, "sect283k1", 283},  {10, "sect283r1", 283}, {11, "sect409k1", 409}, {12, "sect409r1", 409},
    {13, "sect571k1", 571}, {14, "sect571r1", 571}, {15, "secp160k1", 160}, {16, "secp160r1", 160},
    {17, "secp160r2", 160}, {18, "secp192k1", 192}, {19, "secp192r1", 192}, {20, "secp224k1", 224},
    {21, "secp224r1", 224}, {22, "secp256k1", 256},
};

SuiteClass lower(SuiteClass c, SuiteClass atMost) { return std::min(c, atMost); }

} // namespace

quint16 SuiteRating::wireVersion(const QString& v)
{
    static const QHash<QString, quint16> versions {
        {QStringLiteral("SSLv2"), WireVersion::SslV2},   {QStringLiteral("SSLv3"), WireVersion::SslV3},
        {QStringLiteral("TLSv1.0"), WireVersion::Tls10}, {QStringLiteral("TLSv1.1"), WireVersion::Tls11},
        {QStringLiteral("TLSv1.2"), WireVersion::Tls12}, {QStringLiteral("TLSv1.3"), WireVersion::Tls13},
    };
    return versions.value(v, 0);
}

const CipherSuiteInfo* SuiteRating::info(const AcceptedSuite& suite, const QString& versionName)
{
    if (versionName == QLatin1String("SSLv2"))
        return CipherSuiteTable::findSslV2(suite.code);
    return suite.code <= 0xffff ? CipherSuiteTable::find(quint16(suite.code)) : nullptr;
}

QString SuiteRating::codeText(quint32 code, bool sslV2)
{
    QStringList bytes;
    for (int shift = sslV2 ? 16 : 8; shift >= 0; shift -= 8)
        bytes.append(QStringLiteral("0x%1").arg(QString::number((code >> shift) & 0xff, 16).toUpper(), 2,
                                                QLatin1Char('0')));
    return bytes.join(QLatin1Char(','));
}

std::optional<quint32> SuiteRating::parseCode(const QString& text, bool sslV2)
{
    const QStringList bytes = text.split(QLatin1Char(','));
    if (bytes.size() != (sslV2 ? 3 : 2))
        return std::nullopt;
    quint32 code = 0;
    for (const QString& b : bytes) {
        if (b.size() != 4 || !b.startsWith(QLatin1String("0x")))
            return std::nullopt;
        bool ok = false;
        const uint value = b.mid(2).toUInt(&ok, 16);
        if (!ok)
            return std::nullopt;
        code = code << 8 | value;
    }
    return code;
}

RatedSuite SuiteRating::rate(const AcceptedSuite& suite, const QString& versionName)
{
    RatedSuite r;
    r.suite = suite;
    const bool sslV2 = versionName == QLatin1String("SSLv2");
    r.code = codeText(suite.code, sslV2);
    r.info = info(suite, versionName);
    if (!r.info) {
        r.name = r.code;
        return r;
    }
    r.name = CipherSuiteTable::displayName(*r.info);
    const quint16 wire = wireVersion(versionName);
    SuiteClass c = CipherSuiteTable::classify(*r.info);
    if (sslV2 || wire == WireVersion::SslV3) {
        // The protocol is the problem, whatever the suite: POODLE is CBC on SSL 3.0, so the table's
        // "CBC on TLS 1.0/1.1" reason is not repeated for it.
        r.reasons.append(sslV2 ? tr("SSL 2.0 (DROWN; RFC 6176)") : tr("SSL 3.0 (POODLE; RFC 7568)"));
        r.reasons += CipherSuiteTable::reasons(*r.info, WireVersion::Tls12);
        c = SuiteClass::Insecure;
    } else {
        r.reasons += CipherSuiteTable::reasons(*r.info, wire ? wire : WireVersion::Tls12);
        if (CipherSuiteTable::cbc(*r.info) && (wire == WireVersion::Tls10 || wire == WireVersion::Tls11))
            c = lower(c, SuiteClass::Weak);
    }
    if (suite.dhBits > 0 && suite.dhBits < MinimumDhBits) {
        const bool insecure = suite.dhBits < InsecureDhBits;
        r.reasons.append(tr("%1-bit DH group, under %2 bits (Logjam)")
                             .arg(suite.dhBits)
                             .arg(insecure ? InsecureDhBits : MinimumDhBits));
        c = lower(c, insecure ? SuiteClass::Insecure : SuiteClass::Weak);
    }
    if (const QString why = groupWeakness(suite.group); !why.isEmpty()) {
        r.reasons.append(why);
        c = lower(c, SuiteClass::Weak);
    }
    r.rating = c;
    return r;
}

QString SuiteRating::groupWeakness(const QString& group)
{
    quint16 code = 0;
    if (group.startsWith(QLatin1String("0x"))) {
        bool ok = false;
        code = quint16(group.mid(2).toUShort(&ok, 16));
        if (!ok)
            return {};
        // arbitrary_explicit_prime_curves, arbitrary_explicit_char2_curves: curves the server
        // defines itself, deprecated with the rest (RFC 8422 s.5.1.1).
        if (code == 0xff01 || code == 0xff02)
            return tr("%1: explicit curve parameters, deprecated by RFC 8422").arg(group);
    }
    for (const DeprecatedCurve& d : kDeprecatedCurves) {
        if (d.code == code || group == QLatin1String(d.name)) {
            const QString name = QLatin1String(d.name);
            return d.bits < 256 ? tr("%1: a %2-bit curve (under 128-bit strength), deprecated by RFC 8422")
                                      .arg(name)
                                      .arg(d.bits)
                                : tr("%1: deprecated by RFC 8422").arg(name);
        }
    }
    return {};
}
