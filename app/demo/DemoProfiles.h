#pragma once

#include "profiles/ServerProfile.h"

#include <QString>
#include <QStringList>

/**
 * Saved profiles that run on the built-in demo server. Their host is the reserved name host()
 * (".invalid", RFC 2606 s.2, so it can never be a real server): the app and `mailscope-cli check
 * --profile` run them against the demo's good scenario, started in-process on free ports, with
 * only the profile's own trust. So a demo profile names neither a port nor a launch.
 */
class DemoProfiles final
{
public:
    static QString host() { return QStringLiteral("demo.mailscope.invalid"); }
    static bool isDemo(const ServerProfile& profile);
    /// The CA files `profile` runs with when the demo's CA file is `demoCaFile`: in a demo profile,
    /// a demo CA file of a Mailscope that kept it in a temporary folder
    /// (".../mailscope-demo-XXXXXX/demo-ca.pem", gone with that launch) becomes `demoCaFile`.
    /// Other files, and every file of other profiles, are kept as they are.
    static QStringList caFilesFor(const ServerProfile& profile, const QString& demoCaFile);
};
