#pragma once

#include "ServerProfile.h"

#include <optional>
#include <QList>
#include <QString>

/// One endpoint of a provider (its submission port, its IMAP server, ...).
struct PresetService
{
    QString key; ///< "smtp", "smtps", "imaps", ... (the GUI's service names)
    Protocol protocol = Protocol::Smtp;
    TlsMode tls = TlsMode::StartTls;
    QString host;
    quint16 port = 0;
};

/// A template for new profiles: a mail provider's documented endpoints (data in presets.json,
/// compiled in as a resource). Templates only: nothing here connects anywhere.
struct ProviderPreset
{
    QString id; ///< "gmail"
    QString name; ///< "Gmail"
    QString docs; ///< where the endpoints are documented
    QString note; ///< what a user must know to log in (app passwords, OAuth, regions)
    QString user; ///< a fixed user name where the provider has one (SendGrid: "apikey")
    QList<PresetService> services; ///< the first is the default (submission)
};

class ProviderPresets final
{
public:
    /// Every preset, in the order of the data file.
    static QList<ProviderPreset> all();
    /// "gmail" (its first service) or "gmail:imaps": a new, unsaved profile; empty optional and
    /// `error` listing what exists when there is no such preset or service.
    static std::optional<ServerProfile> profileFor(const QString& spec, const QString& name, QString* error);
};
