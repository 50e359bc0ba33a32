#pragma once

#include <optional>
#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

/// The `_mta-sts.<domain>` TXT record (RFC 8461 s.3.1).
struct MtaStsRecord
{
    QString id;

    /// From all TXT records at the name: those not starting with "v=STSv1" are ignored; exactly one
    /// must remain and be valid. nullopt with `error` set otherwise.
    static std::optional<MtaStsRecord> parse(const QList<QByteArray>& txtRecords, QString* error);
};

/// A fetched MTA-STS policy (RFC 8461 s.3.2).
struct MtaStsPolicy
{
    enum class Mode
    {
        Enforce,
        Testing,
        None,
    };
    Mode mode = Mode::None;
    QStringList mx;
    qint64 maxAge = 0;

    /// RFC 8461 s.3.2: "version: STSv1", "mode", "max_age" (at most 31557600), "mx" (at least one
    /// unless mode is none); lines end in LF or CRLF; unknown keys are ignored.
    static std::optional<MtaStsPolicy> parse(const QByteArray& text, QString* error);
    /// RFC 8461 s.4.1: exact name, or "*.example.net" covering exactly one more label.
    static bool mxMatches(const QString& pattern, const QString& host);
    bool allowsMx(const QString& host) const;
    static QString toKey(Mode mode);
};

/// The `_smtp._tls.<domain>` TXT record (RFC 8460 s.3).
struct TlsRptRecord
{
    QStringList rua;

    static std::optional<TlsRptRecord> parse(const QList<QByteArray>& txtRecords, QString* error);
};
