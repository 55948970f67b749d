import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.Session;
import java.util.Vector;

/**
 * Uploads a file over SFTP with JSch (the classic Java client: no Ed25519, no curve25519),
 * then lists {@code /} and the remote file's folder.
 *
 * <p>usage: java -cp DIR:jsch.jar JschPut HOST PORT USER PASSWORD LOCAL_FILE REMOTE_PATH [get]
 *
 * <p>With {@code get} it downloads REMOTE_PATH to LOCAL_FILE instead. Prints the host key type
 * and one line per listed folder ({@code FOLDER: name name ...}); JSch's log (the negotiated
 * algorithms) goes to stderr. Exits 1 on any failure, with the exception (e.g. "Algorithm
 * negotiation fail") on stderr.
 */
public class JschPut {
    public static void main(String[] args) throws Exception {
        if (args.length < 6 || args.length > 7 || (args.length == 7 && !args[6].equals("get"))) {
            System.err.println(
                    "usage: JschPut HOST PORT USER PASSWORD LOCAL_FILE REMOTE_PATH [get]");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String user = args[2];
        String password = args[3];
        String local = args[4];
        String remote = args[5];
        boolean get = args.length == 7;

        JSch.setLogger(new StderrLogger());
        JSch jsch = new JSch();
        Session session = jsch.getSession(user, host, port);
        session.setPassword(password);
        // A test gateway makes a fresh host key for each run.
        session.setConfig("StrictHostKeyChecking", "no");
        session.setConfig("PreferredAuthentications", "password");
        try {
            session.connect(10000);
            System.out.println("host key: " + session.getHostKey().getType());
            ChannelSftp sftp = (ChannelSftp) session.openChannel("sftp");
            sftp.connect(10000);
            if (get) {
                sftp.get(remote, local);
            } else {
                sftp.put(local, remote);
            }
            String dir = remote.substring(0, remote.lastIndexOf('/') + 1);
            for (String folder : new String[] {"/", dir.isEmpty() ? "/" : dir}) {
                StringBuilder line = new StringBuilder(folder + ":");
                Vector<?> entries = sftp.ls(folder);
                for (Object e : entries) {
                    line.append(' ').append(((ChannelSftp.LsEntry) e).getFilename());
                }
                System.out.println(line);
            }
            sftp.disconnect();
        } catch (Exception e) {
            System.err.println("JschPut failed: " + e);
            System.exit(1);
        } finally {
            session.disconnect();
        }
    }

    /** JSch's own log to stderr, for the algorithm lists when negotiation fails. */
    static class StderrLogger implements com.jcraft.jsch.Logger {
        public boolean isEnabled(int level) {
            return level >= com.jcraft.jsch.Logger.INFO;
        }

        public void log(int level, String message) {
            System.err.println("jsch: " + message);
        }
    }
}
