#include "CipherSuiteTable.h"

#include <cstring>
#include <QCoreApplication>
#include <QHash>

namespace {

const CipherSuiteInfo kSuites[] = {
#include "CipherSuiteTable.inc"
};

QString tr(const char* text) { return QCoreApplication::translate("CipherSuiteTable", text); }

bool is(const char* field, const char* value) { return std::strcmp(field, value) == 0; }

const QHash<quint32, const CipherSuiteInfo*>& index(bool sslV2)
{
    static const auto tables = [] {
        std::pair<QHash<quint32, const CipherSuiteInfo*>, QHash<quint32, const CipherSuiteInfo*>> t;
        for (const CipherSuiteInfo& s : kSuites)
            (s.sslV2 ? t.second : t.first).insert(s.code, &s);
        return t;
    }();
    return sslV2 ? tables.second : tables.first;
}
} // namespace

std::span<const CipherSuiteInfo> CipherSuiteTable::all() { return kSuites; }

const CipherSuiteInfo* CipherSuiteTable::find(quint16 code) { return index(false).value(code); }

const CipherSuiteInfo* CipherSuiteTable::findSslV2(quint32 code) { return index(true).value(code); }

const CipherSuiteInfo* CipherSuiteTable::findByName(const QString& name, bool sslV2)
{
    static const auto tables = [] {
        std::pair<QHash<QString, const CipherSuiteInfo*>, QHash<QString, const CipherSuiteInfo*>> t;
        for (const CipherSuiteInfo& s : kSuites) {
            // IANA names first, so that an OpenSSL name equal to another suite's IANA name (the
            // TLS 1.3 suites use the same words in both) resolves to the suite OpenSSL means.
            // "-" marks a suite the registry never named.
            if (*s.ianaName && !is(s.ianaName, "-"))
                (s.sslV2 ? t.second : t.first).insert(QLatin1String(s.ianaName), &s);
        }
        for (const CipherSuiteInfo& s : kSuites) {
            if (*s.openSslName)
                (s.sslV2 ? t.second : t.first).insert(QLatin1String(s.openSslName), &s);
        }
        return t;
    }();
    return (sslV2 ? tables.second : tables.first).value(name);
}

QString CipherSuiteTable::displayName(const CipherSuiteInfo& suite)
{
    return QLatin1String(*suite.openSslName ? suite.openSslName : suite.ianaName);
}

QString CipherSuiteTable::codeText(const CipherSuiteInfo& suite)
{
    QStringList bytes;
    for (int shift = suite.sslV2 ? 16 : 8; shift >= 0; shift -= 8)
        bytes.append(
            QStringLiteral("0x%1").arg((suite.code >> shift) & 0xff, 2, 16, QLatin1Char('0')).toUpper());
    return bytes.join(QLatin1Char(',')).replace(QLatin1String("0X"), QLatin1String("0x"));
}

QList<quint16> CipherSuiteTable::offerable(quint16 wireVersion)
{
    QList<quint16> codes;
    for (const CipherSuiteInfo& s : kSuites) {
        if (s.sslV2)
            continue;
        const bool ok = wireVersion >= 0x0304 ? s.oldest == SuiteProtocol::Tls13
                        : wireVersion == 0x0303
                            ? s.oldest != SuiteProtocol::Tls13
                            : s.oldest == SuiteProtocol::SslV3 || s.oldest == SuiteProtocol::Tls10;
        if (ok)
            codes.append(quint16(s.code));
    }
    return codes;
}

bool CipherSuiteTable::forwardSecret(const CipherSuiteInfo& s)
{
    // Ephemeral (EC)DH, or any TLS 1.3 suite (RFC 8446 s.2: every key exchange is ephemeral).
    return is(s.keyExchange, "DH") || is(s.keyExchange, "ECDH") || is(s.keyExchange, "DHEPSK")
           || is(s.keyExchange, "ECDHEPSK") || is(s.keyExchange, "any") || is(s.keyExchange, "CECPQ1");
}

bool CipherSuiteTable::anonymous(const CipherSuiteInfo& s) { return is(s.authentication, "None"); }

bool CipherSuiteTable::cbc(const CipherSuiteInfo& s)
{
    return is(s.encryption, "AES") || is(s.encryption, "Camellia") || is(s.encryption, "ARIA")
           || is(s.encryption, "3DES") || is(s.encryption, "DES") || is(s.encryption, "SEED")
           || is(s.encryption, "IDEA") || is(s.encryption, "RC2") || is(s.encryption, "GOST");
}

SuiteClass CipherSuiteTable::classify(const CipherSuiteInfo& s)
{
    // Insecure: no confidentiality or no authentication at all, or a cipher that is broken.
    if (s.exportGrade || is(s.encryption, "None") || anonymous(s) || is(s.encryption, "RC4")
        || is(s.encryption, "DES") || is(s.encryption, "RC2") || s.bits < 112 || is(s.mac, "MD5"))
        return SuiteClass::Insecure;
    // Weak: 64-bit blocks (Sweet32), or no forward secrecy.
    if (is(s.encryption, "3DES") || is(s.encryption, "IDEA") || !forwardSecret(s))
        return SuiteClass::Weak;
    if (is(s.mac, "AEAD"))
        return SuiteClass::Recommended;
    return SuiteClass::Acceptable;
}

QString CipherSuiteTable::className(SuiteClass c)
{
    switch (c) {
    case SuiteClass::Insecure:
        return QStringLiteral("insecure");
    case SuiteClass::Weak:
        return QStringLiteral("weak");
    case SuiteClass::Acceptable:
        return QStringLiteral("acceptable");
    case SuiteClass::Recommended:
        return QStringLiteral("recommended");
    }
    return {};
}

QStringList CipherSuiteTable::reasons(const CipherSuiteInfo& s, quint16 wireVersion)
{
    QStringList why;
    if (s.exportGrade)
        why.append(tr("export grade (%1-bit key exchange; FREAK, Logjam)").arg(s.keyExchangeLimitBits));
    if (is(s.encryption, "None"))
        why.append(tr("NULL encryption: nothing is encrypted"));
    if (anonymous(s))
        why.append(tr("anonymous: the server is not authenticated"));
    if (is(s.encryption, "RC4"))
        why.append(tr("RC4, prohibited by RFC 7465"));
    if (is(s.encryption, "DES") || is(s.encryption, "RC2"))
        why.append(tr("%1 with a %2-bit key").arg(QLatin1String(s.encryption)).arg(s.bits));
    if (is(s.encryption, "3DES") || is(s.encryption, "IDEA"))
        why.append(tr("64-bit block cipher (Sweet32, CVE-2016-2183)"));
    if (is(s.mac, "MD5"))
        why.append(tr("MD5 message authentication"));
    if (!forwardSecret(s) && !anonymous(s) && !is(s.encryption, "None"))
        why.append(tr("no forward secrecy"));
    if (cbc(s) && wireVersion <= 0x0302)
        why.append(tr("CBC on TLS 1.0/1.1 (BEAST, Lucky13; RFC 8996)"));
    return why;
}
