// DataSource for the TypeORM CLI (`npm run typeorm -- migration:show`): same URL rules as the server.
import { createDataSource } from "./src/db/data-source";

export default createDataSource(process.env.DATABASE_URL || "sqlite:./data/latchkey.sqlite");
