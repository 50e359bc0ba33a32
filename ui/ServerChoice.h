#pragma once

#include "profiles/ServerProfile.h"
#include "run/Types.h"

#include <optional>
#include <QString>

/**
 * Which server a run goes to, as the sidebar describes it. A plain value so that saved profiles
 * (a later issue) can produce one: the built-in demo server with a scenario, or a host typed
 * into quick connect.
 */
struct ServerChoice
{
    enum class Kind
    {
        Demo,
        Host,
        Profile ///< a saved profile (ServerProfile)
    };

    Kind kind = Kind::Demo;
    /// The demo scenario to play (Kind::Demo).
    QString demoScenario = QStringLiteral("good");
    /// Kind::Host: where to connect and how.
    QString host;
    quint16 port = 25;
    Protocol protocol = Protocol::Smtp;
    TlsMode tls = TlsMode::StartTls;
    TlsPolicy policy = TlsPolicy::Enforce;
    /// Continue past certificate errors (recorded in the run).
    bool insecure = false;
    /// Kind::Profile: the saved profile. Kind::Host: quick connect as an unsaved profile (its trust
    /// and credential fields), which "Save as profile" stores as it is.
    std::optional<ServerProfile> profile;
    /// The password of this run only (from the keychain or asked for); never saved.
    QByteArray password;

    bool isValid() const
    {
        if (kind == Kind::Profile)
            return profile.has_value();
        return kind == Kind::Demo || (!host.isEmpty() && port != 0);
    }
};
