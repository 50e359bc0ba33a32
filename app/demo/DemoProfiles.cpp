#include "DemoProfiles.h"

#include <QDir>
#include <QFileInfo>

bool DemoProfiles::isDemo(const ServerProfile& profile)
{
    return !profile.isDomain() && profile.host.compare(host(), Qt::CaseInsensitive) == 0;
}

QStringList DemoProfiles::caFilesFor(const ServerProfile& profile, const QString& demoCaFile)
{
    if (!isDemo(profile) || demoCaFile.isEmpty())
        return profile.caFiles;
    QStringList files;
    for (const QString& path : profile.caFiles) {
        const QFileInfo info(path);
        const bool earlierDemoCa = info.fileName() == QLatin1String("demo-ca.pem")
                                   && info.dir().dirName().startsWith(QLatin1String("mailscope-demo-"))
                                   && !info.exists();
        const QString use = earlierDemoCa ? demoCaFile : path;
        if (!files.contains(use))
            files.append(use);
    }
    return files;
}
